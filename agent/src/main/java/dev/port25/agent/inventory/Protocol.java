package dev.port25.agent.inventory;

/** Transport protocol of a listener. */
public enum Protocol {
    TCP, UDP;

    /** Lower-case name as {@code ss} and the JSON documents print it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
