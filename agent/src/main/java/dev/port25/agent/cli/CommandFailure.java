package dev.port25.agent.cli;

/** A command could not do what was asked, for a reason its message says in full (exit 3, UNKNOWN). */
final class CommandFailure extends RuntimeException {

    CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }

    CommandFailure(String message) {
        super(message);
    }
}
