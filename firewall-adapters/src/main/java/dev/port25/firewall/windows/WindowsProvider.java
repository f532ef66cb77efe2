package dev.port25.firewall.windows;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallAdapterProvider;

/** Windows Defender Firewall, through Windows PowerShell's NetSecurity cmdlets. */
public final class WindowsProvider implements FirewallAdapterProvider {

    @Override
    public String id() {
        return WindowsAdapter.ID;
    }

    /** Above every Linux backend; on Linux it is never active, so it never wins there. */
    @Override
    public int priority() {
        return 50;
    }

    @Override
    public FirewallAdapter create(CommandRunner runner) {
        return new WindowsAdapter(runner);
    }
}
