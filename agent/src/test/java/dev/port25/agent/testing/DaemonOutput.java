package dev.port25.agent.testing;

import dev.port25.firewall.exec.BackgroundProcess;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/** Reading a running daemon's log lines (its standard output) in a test. */
public final class DaemonOutput {

    private DaemonOutput() {
    }

    /** The first line from {@code p} that {@code match}es within {@code wait}; each line read is echoed. */
    public static String await(BackgroundProcess p, Predicate<String> match, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> line = p.readLine(Duration.ofMillis(200));
            if (line.isPresent()) {
                System.out.println("daemon: " + line.get());
                if (match.test(line.get())) {
                    return line.get();
                }
            } else if (!p.isAlive()) {
                throw new AssertionError("the daemon ended: " + p.stderrIfEnded());
            }
        }
        throw new AssertionError("no such line from the daemon within " + wait);
    }
}
