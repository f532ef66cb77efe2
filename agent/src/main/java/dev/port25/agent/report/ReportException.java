package dev.port25.agent.report;

/** The report settings cannot be acted on (no endpoint, a token file others can read, a bad PEM file). */
public final class ReportException extends Exception {
    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
