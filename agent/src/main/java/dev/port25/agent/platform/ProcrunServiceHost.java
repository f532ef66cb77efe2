package dev.port25.agent.platform;

/**
 * The Windows service manager, as procrun (commons-daemon's prunsrv, in jvm mode) relays it: the
 * service control manager's stop reaches the JVM as a call of the stop method on a thread of
 * procrun's ({@link #requestStop()}), while the start method's thread runs the daemon and must
 * not return before. procrun itself reports START_PENDING, RUNNING, STOP_PENDING and STOPPED
 * to the SCM, so the daemon's ready and stopping have no one to tell; and a Windows service has
 * no reload request: a changed settings file takes a restart of the service.
 */
public final class ProcrunServiceHost implements ServiceHost {

    /** The JVM option the service's procrun configuration sets ({@code -Dport25.service=procrun}). */
    public static final String PROPERTY = "port25.service";

    private static final ProcrunServiceHost INSTANCE = new ProcrunServiceHost();

    private Runnable stop;
    private boolean stopRequested;

    private ProcrunServiceHost() {
    }

    /** The one host of this JVM: procrun starts one service per process. */
    public static ProcrunServiceHost instance() {
        return INSTANCE;
    }

    /** Whether this JVM was started by procrun as the service. */
    static boolean active() {
        return "procrun".equals(System.getProperty(PROPERTY));
    }

    /**
     * The service manager's stop, from procrun's stop method: the daemon's stop, now or as soon as
     * it listens; once (procrun calls it for a stop and for a shutdown alike).
     */
    public void requestStop() {
        Runnable now;
        synchronized (this) {
            if (stopRequested) {
                return;
            }
            stopRequested = true;
            now = stop;
        }
        if (now != null) {
            new Thread(now, "service-stop").start();
        }
    }

    /** procrun's redirection of stdout is one file per start that only grows: the daemon keeps daily files. */
    @Override
    public boolean wantsLogFiles() {
        return true;
    }

    @Override
    public void onRequests(Runnable stopRequest, Runnable reload) {
        boolean already;
        synchronized (this) {
            stop = stopRequest;
            already = stopRequested;
        }
        if (already) { // the SCM's stop came while the daemon was starting
            new Thread(stopRequest, "service-stop").start();
        }
    }
}
