package dev.port25.firewall.iptables;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Inbound;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records the fixtures under {@code src/test/resources/iptables/<case>/}: {@code iptables
 * --version} and the four {@code -save -t filter} dumps from real iptables in a scratch network
 * namespace. Not a test; run as root with the test classpath and an output folder.
 */
public final class IptablesFixtureRecorder {

    private IptablesFixtureRecorder() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String ns = "p25-iptrec";
        CommandRunner root = new CommandRunner();
        root.run("ip", "netns", "add", ns);
        try {
            CommandRunner in = CommandRunner.inNetworkNamespace(ns);
            IptablesAdapter ipt = new IptablesAdapter(in);
            record(in, out, "port25-open", "a new namespace");
            ipt.apply(ipt.plan(ipt.state(), Desired.of(25, new Inbound.Closed())));
            record(in, out, "port25-closed", "after the adapter applied CLOSED for tcp/25");
            in.run("iptables", "-w", "-F");
            record(in, out, "drifted", "the CLOSED state, then 'iptables -w -F' (IPv4 only)");
            ipt.apply(ipt.plan(ipt.state(), Desired.of(25, new Inbound.Open())));
            in.run("iptables", "-w", "-A", "INPUT", "-p", "tcp", "--dport", "25", "-j", "DROP");
            in.run("ip6tables", "-w", "-A", "INPUT", "-p", "tcp", "--dport", "25", "-j", "DROP");
            record(in, out, "foreign-rule", "no rules of ours; an admin's '-A INPUT -p tcp --dport 25 -j DROP' in both families");
        } finally {
            root.run("ip", "netns", "del", ns);
        }
    }

    private static void record(CommandRunner in, Path out, String name, String how) throws Exception {
        Path dir = Files.createDirectories(out.resolve(name));
        String version = in.run("iptables", "--version").stdout();
        Files.writeString(dir.resolve("version.txt"), version);
        for (IptablesVariant v : IptablesVariant.values()) {
            for (boolean ipv6 : new boolean[] {false, true}) {
                String dump = in.run(v.tool(ipv6, "-save"), "-t", "filter").stdout()
                        .replaceAll("(?m)^# (Generated|Completed) .*\\n", "");
                Files.writeString(dir.resolve(v.label() + (ipv6 ? "-ipv6" : "-ipv4") + ".save"), dump);
            }
        }
        Files.writeString(dir.resolve("source.txt"), "iptables --version and {ip,ip6}tables-{nft,legacy}-save -t filter, "
                + version.strip() + ", Linux " + Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip()
                + ", recorded by IptablesFixtureRecorder: " + how + " (timestamp comment lines removed)\n");
    }
}
