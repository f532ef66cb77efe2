package dev.port25.agent.platform;

import sun.misc.Signal;

/** Stop and reload as a POSIX process is asked: SIGTERM and SIGINT stop, SIGHUP reloads. */
final class PosixSignals {

    private PosixSignals() {
    }

    /** Each request runs on a thread of its own: a signal handler must return at once. */
    static void onRequests(Runnable stop, Runnable reload) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> new Thread(stop, "stop").start());
        }
        Signal.handle(new Signal("HUP"), s -> new Thread(reload, "reload").start());
    }
}
