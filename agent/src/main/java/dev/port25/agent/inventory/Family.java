package dev.port25.agent.inventory;

/** Address family of a socket. */
public enum Family {
    IPV4, IPV6;

    /** "ipv4" or "ipv6", as the JSON documents print it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Labels of {@code families} in enum order, joined by {@code separator}: "ipv4 and ipv6". */
    public static String labels(java.util.Set<Family> families, String separator) {
        StringBuilder sb = new StringBuilder();
        for (Family f : families) {
            sb.append(sb.length() == 0 ? "" : separator).append(f.label());
        }
        return sb.toString();
    }
}
