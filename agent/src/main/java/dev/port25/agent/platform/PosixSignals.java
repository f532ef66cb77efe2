package dev.port25.agent.platform;

import sun.misc.Signal;

/**
 * Stop and reload as a POSIX process is asked: SIGTERM and SIGINT stop, SIGHUP reloads. Windows
 * has no SIGHUP; there Ctrl+C (SIGINT) and SIGTERM stop a console run.
 */
final class PosixSignals {

    private PosixSignals() {
    }

    /** Each request runs on a thread of its own: a signal handler must return at once. */
    static void onRequests(Runnable stop, Runnable reload, boolean hangup) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> new Thread(stop, "stop").start());
        }
        if (hangup) {
            Signal.handle(new Signal("HUP"), s -> new Thread(reload, "reload").start());
        }
    }
}
