package dev.port25.agent.cli;

import dev.port25.agent.policy.Verdict;

/**
 * The one place where outcomes become exit codes, after the monitoring-plugin convention so
 * that {@code status} serves as a Nagios/Icinga check.
 */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int WARNING = 1;
    public static final int CRITICAL = 2;
    /** Also used for bad usage and internal errors: the check could not say. */
    public static final int UNKNOWN = 3;

    private ExitCodes() {
    }

    public static int of(Verdict verdict) {
        return switch (verdict) {
            case OK -> OK;
            case WARNING -> WARNING;
            case CRITICAL -> CRITICAL;
            case UNKNOWN -> UNKNOWN;
        };
    }
}
