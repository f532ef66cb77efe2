package dev.port25.agent.report;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: after the n-th failure in a row, wait a uniformly random
 * time between zero and min(cap, base * 2^(n-1)), so that a fleet whose endpoint comes back does
 * not come back all at once.
 */
public final class Backoff {

    private final Duration base;
    private final Duration cap;
    private final RandomGenerator random;

    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= cap, got " + base + ", " + cap);
        }
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    /** The ceiling of the wait after {@code failures} failures in a row (at least one). */
    public Duration ceiling(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures < 1");
        }
        int shift = Math.min(failures - 1, 40);
        long millis = base.toMillis() << shift;
        return millis <= 0 || millis > cap.toMillis() ? cap : Duration.ofMillis(millis);
    }

    /** The wait after {@code failures} failures in a row. */
    public Duration delay(int failures) {
        return Duration.ofMillis(random.nextLong(ceiling(failures).toMillis() + 1));
    }
}
