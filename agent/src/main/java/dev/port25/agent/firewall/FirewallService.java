package dev.port25.agent.firewall;

import dev.port25.firewall.eval.Decision;
import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.Packet;
import dev.port25.firewall.eval.HostFilter;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.host.HostFilters;
import dev.port25.firewall.net.IpFamily;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.FirewallSelector;

import java.net.InetAddress;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads every firewall layer and judges a port, for {@code port25-agent firewall}. */
public final class FirewallService {

    private final CommandRunner runner;
    private final FirewallSelector selector;

    public FirewallService() {
        this(new CommandRunner(), new FirewallSelector());
    }

    public FirewallService(CommandRunner runner, FirewallSelector selector) {
        this.runner = runner;
        this.selector = selector;
    }

    /**
     * @param port    the TCP port
     * @param sources source addresses to judge (at most one per family); empty for the exposure of
     *                both families
     * @param pin     a backend to select instead of detecting one
     * @throws FirewallException when the pinned backend is unknown or cannot act
     */
    public FirewallReport report(int port, List<InetAddress> sources, Optional<String> pin) throws FirewallException {
        Optional<String> backend;
        String detail;
        try {
            FirewallSelector.Selection s = selector.select(runner, pin);
            backend = Optional.of(s.adapter().id());
            detail = s.detection().detail();
        } catch (FirewallException e) {
            if (pin.isPresent()) {
                throw e;
            }
            backend = Optional.empty();
            detail = e.getMessage();
        }
        HostFilters host = new HostFilters(runner);
        HostFilter filter = host.read();
        Map<IpFamily, Exposure> exposures = new EnumMap<>(IpFamily.class);
        Map<IpFamily, FirewallReport.Sourced> decisions = new EnumMap<>(IpFamily.class);
        if (sources.isEmpty()) {
            for (IpFamily f : IpFamily.values()) {
                exposures.put(f, filter.exposure(f, port));
            }
        }
        for (InetAddress source : sources) {
            Optional<String> iface = host.arrivalInterface(source);
            Decision d = filter.decide(new Packet(source, iface, port));
            decisions.put(IpFamily.ofLength(source.getAddress().length), new FirewallReport.Sourced(source, iface, d));
        }
        return new FirewallReport(port, backend, detail, exposures, decisions, filter.tableNames(), filter.unread());
    }
}
