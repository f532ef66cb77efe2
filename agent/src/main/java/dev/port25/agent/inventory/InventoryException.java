package dev.port25.agent.inventory;

/**
 * The inventory could not be taken. Callers must report this as UNKNOWN, never as "nothing
 * listening".
 */
public class InventoryException extends Exception {

    public InventoryException(String message) {
        super(message);
    }

    public InventoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
