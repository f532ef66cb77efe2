package dev.port25.agent.cli;

import dev.port25.agent.firewall.FirewallJson;
import dev.port25.agent.firewall.FirewallReport;
import dev.port25.agent.firewall.FirewallService;
import dev.port25.agent.firewall.FirewallText;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.FirewallException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code port25-agent firewall}: a thin shell over {@link FirewallService}. */
@Command(name = "firewall", mixinStandardHelpOptions = true,
        description = {
            "Show the firewall backend the agent acts through and what every layer of the packet filter "
                + "(nftables tables, iptables-nft, iptables-legacy; firewalld, ufw and Docker rules live in these) "
                + "does to a new inbound TCP connection to the port, for IPv4 and IPv6.",
            "",
            "Without --from: OPEN (from everywhere), CLOSED (from nowhere), RESTRICTED (from the listed "
                + "networks only) or UNKNOWN, with the rules that decide. With --from: ACCEPT, DROP, REJECT or "
                + "UNKNOWN for that source, arriving on the interface the route back to it uses.",
            "Reading the rules needs root (CAP_NET_ADMIN); nothing is changed."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 every verdict is known, 3 a verdict is UNKNOWN (also bad usage and errors)"})
final class FirewallCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--from", paramLabel = "ADDRESS",
            description = "Judge a new connection from this IPv4 or IPv6 address (a literal, no names); "
                    + "give one of each family to judge both.")
    List<String> from = List.of();

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "TCP port, 1-65535. Default: 25.")
    int port = 25;

    @Option(names = "--backend", paramLabel = "ID",
            description = "Select this backend instead of detecting one: windows, firewalld, ufw, nftables, iptables.")
    String backend;

    @Option(names = "--json", description = "Print the document (schema port25-agent/firewall/v1, "
            + "see docs/firewall-json.md) instead of the summary.")
    boolean json;

    @Override
    public Integer call() throws FirewallException {
        if (port < 1 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--port': " + port + " is not a port (1-65535)");
        }
        List<InetAddress> sources = new ArrayList<>();
        for (String f : from) {
            Cidr c;
            try {
                c = Cidr.parse(f);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Invalid value for option '--from': " + e.getMessage());
            }
            if (c.prefix() != (c.ipv6() ? 128 : 32)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Invalid value for option '--from': '" + f + "' is a network; give one address");
            }
            if (sources.stream().anyMatch(s -> s.getAddress().length == c.network().getAddress().length)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Invalid value for option '--from': at most one address per family");
            }
            sources.add(c.network());
        }
        FirewallReport report = new FirewallService().report(port, sources, Optional.ofNullable(backend));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.print(FirewallJson.render(report));
        } else {
            FirewallText.print(report, out);
        }
        out.flush();
        return ExitCodes.of(report);
    }
}
