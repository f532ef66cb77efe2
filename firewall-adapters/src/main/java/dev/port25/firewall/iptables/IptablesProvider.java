package dev.port25.firewall.iptables;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallAdapterProvider;

/** Provides the iptables adapter. */
public final class IptablesProvider implements FirewallAdapterProvider {

    @Override
    public String id() {
        return IptablesAdapter.ID;
    }

    /** The last resort: below firewalld, ufw and nftables. */
    @Override
    public int priority() {
        return 10;
    }

    @Override
    public FirewallAdapter create(CommandRunner runner) {
        return new IptablesAdapter(runner);
    }
}
