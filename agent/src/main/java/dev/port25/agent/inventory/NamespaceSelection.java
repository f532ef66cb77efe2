package dev.port25.agent.inventory;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Locale;

/** Which network namespaces the agent lists and judges ({@code inventory.namespaces}, {@code --namespaces}). */
public enum NamespaceSelection {
    /**
     * Every namespace when the agent may enter them (root with CAP_SYS_ADMIN, which the packaged
     * service's sandbox grants), else the agent's own.
     */
    @JsonProperty("auto") AUTO,
    /** The agent's own only. */
    @JsonProperty("host") HOST,
    /** Every namespace of the host: those that cannot be entered are listed with why. */
    @JsonProperty("all") ALL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
