package dev.port25.agent.inventory.linux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The benchmarks' timing loop: a warm-up run that must give the expected answer, then runs until
 * both at least {@code minRuns} are done and the budget is spent (at most {@code maxRuns}), each
 * checked to give the same answer; the median in milliseconds.
 */
record Medians(Duration budget, int minRuns, int maxRuns) {

    double of(String name, Callable<Integer> method, int expected) throws Exception {
        int first = method.call(); // warm-up, and the answer every run must repeat
        if (first != expected) {
            throw new IllegalStateException(name + " found " + first + ", expected " + expected);
        }
        List<Double> ms = new ArrayList<>();
        long deadline = System.nanoTime() + budget.toNanos();
        while (ms.size() < minRuns || (ms.size() < maxRuns && System.nanoTime() < deadline)) {
            long t0 = System.nanoTime();
            int found = method.call();
            ms.add((System.nanoTime() - t0) / 1e6);
            if (found != expected) {
                throw new IllegalStateException(name + " found " + found + " then " + first);
            }
        }
        ms.sort(null);
        int n = ms.size();
        return n % 2 == 1 ? ms.get(n / 2) : (ms.get(n / 2 - 1) + ms.get(n / 2)) / 2;
    }
}
