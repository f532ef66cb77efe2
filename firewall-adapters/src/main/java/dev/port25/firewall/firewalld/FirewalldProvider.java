package dev.port25.firewall.firewalld;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallAdapterProvider;

/** Provides the firewalld adapter. */
public final class FirewalldProvider implements FirewallAdapterProvider {

    @Override
    public String id() {
        return FirewalldAdapter.ID;
    }

    /** Highest: when firewalld runs, only firewalld can unblock (a DROP in any layer wins). */
    @Override
    public int priority() {
        return 40;
    }

    @Override
    public FirewallAdapter create(CommandRunner runner) {
        return new FirewalldAdapter(runner);
    }
}
