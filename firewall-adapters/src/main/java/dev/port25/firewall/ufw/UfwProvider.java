package dev.port25.firewall.ufw;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallAdapterProvider;

/** Provides the ufw adapter. */
public final class UfwProvider implements FirewallAdapterProvider {

    @Override
    public String id() {
        return UfwAdapter.ID;
    }

    /** Above nftables and iptables (ufw owns the ruleset it loads), below firewalld. */
    @Override
    public int priority() {
        return 30;
    }

    @Override
    public FirewallAdapter create(CommandRunner runner) {
        return new UfwAdapter(runner);
    }
}
