package dev.port25.firewall.spi;

/**
 * A backend could not be read or changed. The message names the backend, the command and what
 * the operator can do.
 */
public class FirewallException extends Exception {

    public FirewallException(String message) {
        super(message);
    }

    public FirewallException(String message, Throwable cause) {
        super(message, cause);
    }
}
