package dev.port25.agent.platform;

import java.time.Duration;
import java.util.Optional;

/**
 * The service manager the daemon runs under, told when it is ready, reloading and stopping, and
 * pinged for its watchdog: systemd on Linux ({@link SystemdServiceHost}), the Windows service
 * control manager through procrun ({@link ProcrunServiceHost}). Run from a shell, there is no
 * manager and nothing to tell.
 */
public interface ServiceHost {

    /** Started and serving; {@code status} is a line the manager may show. Nothing, for a manager not told. */
    default void ready(String status) {
    }

    /** Reloading the settings. Nothing, for a manager not told. */
    default void reloading() {
    }

    /** Serving again after a reload. Nothing, for a manager not told. */
    default void reloaded() {
    }

    /** Stopping. Nothing, for a manager not told. */
    default void stopping() {
    }

    /** A watchdog ping. Nothing, for a manager that does not watch. */
    default void alive() {
    }

    /** How often the manager wants to hear {@link #alive()} at the latest, if it watches; empty: it does not. */
    default Optional<Duration> watchdog() {
        return Optional.empty();
    }

    /**
     * Whether the daemon keeps its own log files: true where the manager keeps no log of the
     * daemon's output (procrun names its redirection of stdout once, at start, and never rotates
     * it); false where stdout and stderr are the log (journald, a console).
     */
    default boolean wantsLogFiles() {
        return false;
    }

    /**
     * Has the manager's stop and reload requests call these, each on a thread of its own: on
     * Linux SIGTERM and SIGINT stop, SIGHUP reloads, under systemd or from a shell alike.
     */
    void onRequests(Runnable stop, Runnable reload);

    /**
     * The manager of this process: procrun when the service's JVM options say so, systemd when it
     * set NOTIFY_SOCKET, else none (a shell; on Windows a console's Ctrl+C stops).
     */
    static ServiceHost current() {
        if (ProcrunServiceHost.active()) {
            return ProcrunServiceHost.instance();
        }
        Optional<String> socket = Optional.ofNullable(System.getenv("NOTIFY_SOCKET")).filter(s -> !s.isEmpty());
        if (socket.isPresent() && OperatingSystem.isLinux()) {
            return new SystemdServiceHost(socket.get(), SystemdServiceHost.watchdogFromEnvironment());
        }
        return new ServiceHost() {
            @Override
            public void onRequests(Runnable stop, Runnable reload) {
                PosixSignals.onRequests(stop, reload, OperatingSystem.current() != OperatingSystem.WINDOWS);
            }
        };
    }
}
