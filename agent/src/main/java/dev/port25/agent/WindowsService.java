package dev.port25.agent;

import dev.port25.agent.platform.ProcrunServiceHost;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The Windows service's entry points, for procrun in jvm mode (the MSI's service configuration:
 * StartClass and StopClass this class, StartMethod {@code start}, StopMethod {@code stop},
 * {@code -Dport25.service=procrun}). procrun calls {@link #start} on a thread of its own and
 * expects it not to return until the service is to end; the service control manager's stop
 * arrives as {@link #stop}, on another thread, after which procrun waits for {@code start} to
 * return (StopTimeout) before it ends the JVM.
 */
public final class WindowsService {

    private WindowsService() {
    }

    /**
     * Runs {@code port25-agent run} with {@code args} (procrun's StartParams: {@code --config},
     * {@code --state-dir}) until {@link #stop}. A start that fails (bad settings) exits the JVM
     * with its code, so that the service control manager sees a failed service and its recovery
     * actions restart it.
     */
    public static void start(String[] args) {
        List<String> argv = new ArrayList<>(List.of("run"));
        argv.addAll(List.of(args));
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = Agent.run(out, err, argv.toArray(String[]::new));
        out.flush();
        err.flush();
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The service control manager's stop. */
    public static void stop(String[] args) {
        ProcrunServiceHost.instance().requestStop();
    }
}
