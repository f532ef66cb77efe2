package dev.port25.firewall.ufw;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.testing.Netns;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records the fixtures under {@code src/test/resources/ufw/<case>/}: {@code ufw status}, the
 * namespace's {@code /etc/default/ufw} and its two rule files, from real ufw in a scratch
 * namespace with its own /etc/ufw. Not a test; run as root with the test classpath and an output folder.
 */
public final class UfwFixtureRecorder {

    private UfwFixtureRecorder() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        try (Netns ns = Netns.create("ufwrec")) {
            UfwLab.ownUfwConfig(ns);
            CommandRunner in = CommandRunner.inNetworkNamespace(ns.name());
            UfwAdapter ufw = new UfwAdapter(in);
            record(in, out, "port25-open", "enabled, default allow incoming, no rules");
            ufw.apply(ufw.plan(ufw.state(), Desired.of(25, new Inbound.Closed())));
            record(in, out, "port25-closed", "after the adapter applied CLOSED for tcp/25");
            in.run("ufw", "--force", "delete", "1");
            record(in, out, "drifted", "the CLOSED state, then 'ufw --force delete 1' (the IPv4 rule)");
            ufw.apply(ufw.plan(ufw.state(), Desired.of(25, new Inbound.Open())));
            in.run("ufw", "deny", "25/tcp");
            record(in, out, "foreign-rule", "no rules of ours; an admin's 'ufw deny 25/tcp'");
        }
    }

    private static void record(CommandRunner in, Path out, String name, String how) throws Exception {
        Path dir = Files.createDirectories(out.resolve(name));
        Files.writeString(dir.resolve("status.txt"), in.run("ufw", "status").stdout());
        Files.writeString(dir.resolve("default-ufw"), in.run("cat", "/etc/default/ufw").stdout());
        Files.writeString(dir.resolve("user.rules"), in.run("cat", "/etc/ufw/user.rules").stdout());
        Files.writeString(dir.resolve("user6.rules"), in.run("cat", "/etc/ufw/user6.rules").stdout());
        Files.writeString(dir.resolve("source.txt"), "ufw status, /etc/default/ufw, /etc/ufw/user.rules, user6.rules; "
                + in.run("ufw", "version").stdout().lines().findFirst().orElse("") + ", Linux "
                + Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip()
                + ", recorded by UfwFixtureRecorder in a namespace with its own /etc/ufw: " + how + "\n");
    }
}
