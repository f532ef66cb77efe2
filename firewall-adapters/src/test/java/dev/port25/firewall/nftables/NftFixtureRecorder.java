package dev.port25.firewall.nftables;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Inbound;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Records the fixtures under {@code src/test/resources/nftables/<case>/}: the output of
 * {@code nft -j list ruleset} from a real nft in a scratch network namespace. Not a test; run as
 * root with the test classpath and an output folder.
 */
public final class NftFixtureRecorder {

    private NftFixtureRecorder() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String ns = "p25-nftrec";
        CommandRunner root = new CommandRunner();
        root.run("ip", "netns", "add", ns);
        try {
            CommandRunner in = CommandRunner.inNetworkNamespace(ns);
            NftablesAdapter nft = new NftablesAdapter(in);
            String version = in.run("nft", "--version").stdout().strip();
            record(in, out, "port25-open", version, "empty ruleset in a new namespace");
            nft.apply(nft.plan(nft.state(), Desired.of(25, new Inbound.Closed())));
            record(in, out, "port25-closed", version, "after the adapter applied CLOSED for tcp/25");
            nft.apply(nft.plan(nft.state(), Desired.of(25, new Inbound.AllowFrom(
                    List.of(Cidr.parse("198.18.0.2/32"), Cidr.parse("fd00::2/128"))))));
            record(in, out, "port25-allow", version, "after the adapter applied ALLOW_FROM 198.18.0.2/32, fd00::2/128");
            in.run("nft", "flush", "chain", "inet", "port25_agent", "input");
            record(in, out, "drifted", version, "the ALLOW_FROM table, then 'nft flush chain inet port25_agent input'");
            in.run("nft", "flush", "ruleset");
            CommandResult r = in.run(Command.of("nft", "-f", "-").withStdin((
                    "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n"
                            + "\t\ttcp dport 25 drop\n\t}\n}\n").getBytes()));
            if (!r.ok()) {
                throw new IllegalStateException(r.describe());
            }
            record(in, out, "foreign-rule", version, "a hand-written 'table inet filter' with 'tcp dport 25 drop'; no table of ours");
        } finally {
            root.run("ip", "netns", "del", ns);
        }
    }

    private static void record(CommandRunner in, Path out, String name, String version, String how) throws Exception {
        Path dir = Files.createDirectories(out.resolve(name));
        CommandResult r = in.run("nft", "-j", "list", "ruleset");
        Files.writeString(dir.resolve("ruleset.json"), r.stdout());
        Files.writeString(dir.resolve("source.txt"), "nft -j list ruleset, " + version + ", Linux "
                + Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip() + ", recorded by NftFixtureRecorder: "
                + how + "\n");
    }
}
