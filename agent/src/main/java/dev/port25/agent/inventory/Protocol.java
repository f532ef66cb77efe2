package dev.port25.agent.inventory;

import java.util.Locale;

/** Transport protocol of a listener. */
public enum Protocol {
    TCP, UDP;

    /** Lower-case name as {@code ss} and the JSON documents print it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
