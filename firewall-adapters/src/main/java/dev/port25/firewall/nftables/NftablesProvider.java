package dev.port25.firewall.nftables;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallAdapterProvider;

/** Provides the nftables adapter. */
public final class NftablesProvider implements FirewallAdapterProvider {

    @Override
    public String id() {
        return NftablesAdapter.ID;
    }

    /** Below the front-ends (firewalld, ufw) that own an nftables ruleset, above iptables. */
    @Override
    public int priority() {
        return 20;
    }

    @Override
    public FirewallAdapter create(CommandRunner runner) {
        return new NftablesAdapter(runner);
    }
}
