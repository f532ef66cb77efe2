package dev.port25.firewall.host;

import dev.port25.firewall.eval.HostFilter;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.eval.PacketFilterReader;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.windows.WindowsAdapter;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;

/**
 * This host's own filter, read as its platform has it: on Linux every netfilter layer
 * ({@link PacketFilterReader}: nftables, both iptables variants, both families, whatever backend
 * wrote them); on Windows, Windows Defender Firewall's ActiveStore (the windows backend's state).
 * What the agent judges a port by, whichever backend would act.
 */
public final class HostFilters {

    private final CommandRunner runner;
    private final boolean windows;

    /** For this host. */
    public HostFilters(CommandRunner runner) {
        this(runner, System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows"));
    }

    HostFilters(CommandRunner runner, boolean windows) {
        this.runner = runner;
        this.windows = windows;
    }

    /** The filter; a part that cannot be read is in its {@link HostFilter#unread()}, never thrown. */
    public HostFilter read() {
        if (!windows) {
            return new PacketFilterReader(runner).read();
        }
        try {
            return new WindowsAdapter(runner).state().packetFilter();
        } catch (FirewallException e) {
            return PacketFilter.notRead("Windows Defender Firewall: " + e.getMessage());
        }
    }

    /**
     * The interface a connection from {@code address} arrives on (the route back to it), when the
     * platform's evaluation uses it; on Windows none: every network connection's profile is judged.
     */
    public Optional<String> arrivalInterface(InetAddress address) {
        return windows ? Optional.empty() : new PacketFilterReader(runner).routeDevice(address);
    }
}
