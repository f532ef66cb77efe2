package dev.port25.agent;

import dev.port25.agent.cli.Cli;

import java.io.PrintWriter;

/** Entry point of {@code port25-agent}. */
public final class Agent {

    private Agent() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs the CLI with the given streams and returns the exit code (monitoring-plugin
     * convention: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, also for bad usage and internal errors).
     * Tests drive the CLI in-process through this.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return Cli.run(out, err, args);
    }
}
