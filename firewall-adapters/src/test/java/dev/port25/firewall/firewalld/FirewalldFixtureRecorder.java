package dev.port25.firewall.firewalld;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.testing.Netns;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records the fixtures under {@code src/test/resources/firewalld/<case>/}: {@code state.json},
 * what the adapter's reader ({@link FirewalldZones#SCRIPT}) prints, from a real firewalld in a
 * scratch namespace (FirewalldLab). Not a test; run as root with the test classpath and an
 * output folder.
 */
public final class FirewalldFixtureRecorder {

    private FirewalldFixtureRecorder() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        try (Netns ns = Netns.create("fwdrec"); FirewalldLab fw = FirewalldLab.start(ns)) {
            CommandRunner in = fw.runner();
            FirewalldAdapter firewalld = new FirewalldAdapter(in);
            record(in, out, "port25-open", "a fresh firewalld, default configuration");
            firewalld.apply(firewalld.plan(firewalld.state(), Desired.of(25, new Inbound.Closed())));
            record(in, out, "port25-closed", "after the adapter applied CLOSED for tcp/25");
            in.run("firewall-cmd", "--zone=public",
                    "--remove-rich-rule=rule priority=\"-25024\" family=\"ipv4\" port port=\"25\" protocol=\"tcp\" drop");
            record(in, out, "drifted", "the CLOSED state, then the runtime IPv4 rule removed by hand");
            firewalld.apply(firewalld.plan(firewalld.state(), Desired.of(25, new Inbound.Open())));
            in.run("firewall-cmd", "--permanent", "--zone=public",
                    "--add-rich-rule=rule family=\"ipv4\" port port=\"25\" protocol=\"tcp\" reject");
            in.run("firewall-cmd", "--zone=public", "--add-rich-rule=rule family=\"ipv4\" port port=\"25\" protocol=\"tcp\" reject");
            record(in, out, "foreign-rule", "no rules of ours; an admin's rich rule rejecting tcp/25 over IPv4");
        }
    }

    private static void record(CommandRunner in, Path out, String name, String how) throws Exception {
        Path dir = Files.createDirectories(out.resolve(name));
        var reader = FirewalldZones.readerArgv(System.getenv("PATH")).orElseThrow();
        var r = in.run(Command.of(reader).withStdin(FirewalldZones.SCRIPT.getBytes(
                StandardCharsets.UTF_8)));
        if (!r.ok()) {
            throw new IllegalStateException(r.describe() + "\n" + r.stderr());
        }
        Files.writeString(dir.resolve("state.json"), r.stdout() + "\n");
        Files.writeString(dir.resolve("source.txt"), "the adapter's reader (firewall.client); firewalld "
                + in.run("firewall-cmd", "--version").stdout().strip() + " (nftables backend), Linux "
                + Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip()
                + ", recorded by FirewalldFixtureRecorder on a private bus in a namespace: " + how + "\n");
    }
}
