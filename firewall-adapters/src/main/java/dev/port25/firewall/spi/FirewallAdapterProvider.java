package dev.port25.firewall.spi;

import dev.port25.firewall.exec.CommandRunner;

/**
 * Makes the adapter of one firewall backend. Found through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.port25.firewall.spi.FirewallAdapterProvider}).
 */
public interface FirewallAdapterProvider {

    /** Stable backend id used in settings and output: "nftables", "iptables", "ufw", "firewalld". */
    String id();

    /**
     * Preference when several backends can act: higher wins. Front-ends that own the ruleset
     * (firewalld, ufw) rank above nftables, which ranks above iptables.
     */
    int priority();

    /** An adapter that runs every command through {@code runner}. */
    FirewallAdapter create(CommandRunner runner);
}
