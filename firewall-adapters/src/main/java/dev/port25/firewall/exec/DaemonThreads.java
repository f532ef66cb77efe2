package dev.port25.firewall.exec;

import java.util.concurrent.Executor;

/**
 * An executor that runs each task on a new daemon thread of the given name: for the few reads
 * that wait on tools and the kernel at once (detection, firewalld's state, the audit's gathering),
 * where a pool would outlive a one-shot command and a non-daemon thread would keep the JVM alive.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    public static Executor named(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        };
    }
}
