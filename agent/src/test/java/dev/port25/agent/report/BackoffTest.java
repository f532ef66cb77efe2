package dev.port25.agent.report;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Exponential backoff with full jitter: the ceiling doubles to the cap; waits spread below it. */
class BackoffTest {

    @Test
    void theCeilingDoublesUpToTheCapAndWaitsSpreadBelowIt() {
        Backoff b = new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(600), new SplittableRandom(42));
        assertThat(b.ceiling(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.ceiling(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(b.ceiling(6)).isEqualTo(Duration.ofSeconds(320));
        assertThat(b.ceiling(7)).isEqualTo(Duration.ofSeconds(600));
        assertThat(b.ceiling(1000)).as("no overflow").isEqualTo(Duration.ofSeconds(600));
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration d = b.delay(3);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(40));
            seen.add(d.toMillis());
        }
        assertThat(seen).as("jitter: a fleet does not retry in step").hasSizeGreaterThan(150);
        assertThatThrownBy(() -> b.delay(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(5), new SplittableRandom()))
                .hasMessageContaining("0 < base <= cap");
    }
}
