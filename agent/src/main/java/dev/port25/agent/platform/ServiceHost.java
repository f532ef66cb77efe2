package dev.port25.agent.platform;

import java.time.Duration;
import java.util.Optional;

/**
 * The service manager the daemon runs under, told when it is ready, reloading and stopping, and
 * pinged for its watchdog: systemd on Linux ({@link SystemdServiceHost}); the Windows service
 * belongs here too. Run from a shell, there is no manager and nothing to tell.
 */
public interface ServiceHost {

    /** Started and serving; {@code status} is a line the manager may show. */
    void ready(String status);

    void reloading();

    /** Serving again after a reload. */
    void reloaded();

    void stopping();

    /** A watchdog ping. */
    void alive();

    /** How often the manager wants to hear {@link #alive()} at the latest, if it watches. */
    Optional<Duration> watchdog();

    /**
     * Has the manager's stop and reload requests call these, each on a thread of its own: on
     * Linux SIGTERM and SIGINT stop, SIGHUP reloads, under systemd or from a shell alike.
     */
    void onRequests(Runnable stop, Runnable reload);

    /**
     * The manager of this process: systemd when it set NOTIFY_SOCKET, else none (a shell).
     *
     * @throws IllegalStateException on Windows, whose service host is not written yet
     */
    static ServiceHost current() {
        if (OperatingSystem.current() == OperatingSystem.WINDOWS) {
            throw new IllegalStateException("running as a service is not implemented on Windows yet: "
                    + "the Windows service host (procrun or JNA) is still to come");
        }
        Optional<String> socket = Optional.ofNullable(System.getenv("NOTIFY_SOCKET")).filter(s -> !s.isEmpty());
        if (socket.isPresent() && OperatingSystem.isLinux()) {
            return new SystemdServiceHost(socket.get(), SystemdServiceHost.watchdogFromEnvironment());
        }
        return new ServiceHost() {
            @Override
            public void ready(String status) {
            }

            @Override
            public void reloading() {
            }

            @Override
            public void reloaded() {
            }

            @Override
            public void stopping() {
            }

            @Override
            public void alive() {
            }

            @Override
            public Optional<Duration> watchdog() {
                return Optional.empty();
            }

            @Override
            public void onRequests(Runnable stop, Runnable reload) {
                PosixSignals.onRequests(stop, reload);
            }
        };
    }
}
