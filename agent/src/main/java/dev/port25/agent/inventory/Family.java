package dev.port25.agent.inventory;

import java.util.Locale;
import java.util.Set;

/** Address family of a socket. */
public enum Family {
    IPV4, IPV6;

    /** "ipv4" or "ipv6", as the JSON documents print it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Labels of {@code families} in enum order, joined by {@code separator}: "ipv4 and ipv6". */
    public static String labels(Set<Family> families, String separator) {
        StringBuilder sb = new StringBuilder();
        for (Family f : families) {
            sb.append(sb.length() == 0 ? "" : separator).append(f.label());
        }
        return sb.toString();
    }
}
