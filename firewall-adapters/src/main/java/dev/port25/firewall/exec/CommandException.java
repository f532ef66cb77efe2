package dev.port25.firewall.exec;

import java.time.Duration;
import java.util.List;

/**
 * A process could not be run to completion: it could not be started, or it was killed at its
 * timeout. A process that ran and exited non-zero is not an exception; see {@link CommandResult}.
 */
public abstract sealed class CommandException extends Exception
        permits CommandException.NotFound, CommandException.StartFailed, CommandException.TimedOut,
                CommandException.Interrupted {

    private final List<String> argv;

    CommandException(List<String> argv, String message, Throwable cause) {
        super(message, cause);
        this.argv = List.copyOf(argv);
    }

    /** The argv that could not be run. */
    public List<String> argv() {
        return argv;
    }

    /** The program does not exist on {@code PATH} (or at the given path). */
    public static final class NotFound extends CommandException {
        NotFound(List<String> argv, Throwable cause) {
            super(argv, "'" + argv.get(0) + "' not found: is the package that provides it installed?", cause);
        }
    }

    /** The program exists but the operating system refused to start it (permissions, format). */
    public static final class StartFailed extends CommandException {
        StartFailed(List<String> argv, Throwable cause) {
            super(argv, "cannot start '" + argv.get(0) + "': " + cause.getMessage(), cause);
        }
    }

    /** The process ran past its timeout and was killed, with its descendants. */
    public static final class TimedOut extends CommandException {
        private final String partialStdout;
        private final String partialStderr;

        TimedOut(List<String> argv, Duration timeout, String partialStdout, String partialStderr) {
            super(argv, "'" + String.join(" ", argv) + "' ran longer than " + timeout.toMillis()
                    + " ms and was killed", null);
            this.partialStdout = partialStdout;
            this.partialStderr = partialStderr;
        }

        /** Standard output read before the process was killed. */
        public String partialStdout() {
            return partialStdout;
        }

        /** Standard error read before the process was killed. */
        public String partialStderr() {
            return partialStderr;
        }
    }

    /** The waiting thread was interrupted; the process was killed and the interrupt flag is set again. */
    public static final class Interrupted extends CommandException {
        Interrupted(List<String> argv) {
            super(argv, "interrupted while waiting for '" + String.join(" ", argv) + "'; the process was killed", null);
        }
    }
}
