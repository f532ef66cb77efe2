package dev.port25.agent.inventory;

/** Address family of a socket. */
public enum Family {
    IPV4, IPV6;

    /** "ipv4" or "ipv6", as the JSON documents print it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
