package dev.port25.agent.smtp;

import dev.port25.agent.testing.TempDirs;
import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Prerequisites;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * OpenSMTPD 6.8 (Debian 12's package), an MTA the agent has no configuration reader for, in a
 * namespace next to the Postfix the tests also need: opensmtpd and postfix conflict as packages,
 * so the .deb that {@code .ci/run} downloads ({@value #DEBS}, or {@code -Dp25.opensmtpd.debs}) is
 * unpacked into a temporary folder and its smtpd run in the foreground from there. Its privilege
 * separation users (Debian's build: opensmtpd and opensmtpq) exist only in the namespace's own
 * /etc/passwd and /etc/group overlay; its compiled-in paths are the lab's folders, mounted in a
 * private mount namespace (resource {@code smtp/opensmtpd-inner.sh}). Local users come from a
 * table of the lab's, and mail can never leave: the only action hands a message to /bin/true, and
 * the probe never sends DATA anyway. Stopped by its pid.
 */
final class OpenSmtpdLab implements AutoCloseable {

    static final String DEBS = "/var/cache/port25-agent-ci/opensmtpd";

    private final Path dir;
    private BackgroundProcess smtpd;

    private OpenSmtpdLab(Path dir) {
        this.dir = dir;
    }

    static Path debs() {
        return Path.of(System.getProperty("p25.opensmtpd.debs", DEBS));
    }

    static void require() {
        Prerequisites.require("unshare");
        MtaLabs.requireDebs(debs(), "opensmtpd");
    }

    /**
     * Starts smtpd on {@code address}:25 (and {@code address6}:25), naming itself {@code hostname}
     * in its banner and EHLO, receiving mail for {@code domain} only, for the local users
     * {@code users} (postmaster an alias of root).
     */
    static OpenSmtpdLab start(Netns ns, String address, String address6, String hostname, String domain,
                              List<String> users) throws Exception {
        Path dir = Files.createTempDirectory("p25-opensmtpd-");
        OpenSmtpdLab lab = new OpenSmtpdLab(dir);
        try {
            MtaLabs.unpack(debs(), dir.resolve("root"));
            for (String d : List.of("run/spool", "run/rundir", "run/varlib-upper", "run/varlib-work", "conf")) {
                Files.createDirectories(dir.resolve(d));
            }
            Path etc = ns.etcOverlay();
            Files.writeString(etc.resolve("passwd"), Files.readString(Path.of("/etc/passwd"))
                    + "opensmtpd:x:4725:4725::/var/lib/opensmtpd/empty:/usr/sbin/nologin\n"
                    + "opensmtpq:x:4726:4726::/var/lib/opensmtpd/empty:/usr/sbin/nologin\n");
            Files.writeString(etc.resolve("group"), Files.readString(Path.of("/etc/group"))
                    + "opensmtpd:x:4725:\nopensmtpq:x:4726:\n");
            Path conf = dir.resolve("conf");
            Files.writeString(conf.resolve("aliases"), "postmaster: root\n");
            Files.writeString(conf.resolve("users"), String.join("", users.stream()
                    .map(u -> u + " 65534:65534:/var/lib/opensmtpd/empty\n").toList()));
            Files.writeString(conf.resolve("smtpd.conf"), """
                    table aliases file:%1$s/aliases
                    table users file:%1$s/users
                    listen on %2$s port 25 hostname %4$s
                    listen on %3$s port 25 hostname %4$s
                    action "local" mda "/bin/true" alias <aliases> userbase <users>
                    match from any for domain "%5$s" action "local"
                    """.formatted(conf, address, address6, hostname, domain));
            dir.toFile().setExecutable(true, false);
            Path inner = Path.of(OpenSmtpdLab.class.getResource("/smtp/opensmtpd-inner.sh").toURI());
            lab.smtpd = ns.spawn(ns.inside(List.of("unshare", "-m", "--propagation", "private", "sh",
                    inner.toString(), dir.toString(), conf.resolve("smtpd.conf").toString())));
            if (MtaLabs.awaitListener(ns, address, lab.smtpd::isAlive)) {
                return lab;
            }
            throw new IllegalStateException("smtpd does not listen on " + address + ":25: " + lab.smtpd.stderrIfEnded());
        } catch (Exception e) {
            lab.close();
            throw e;
        }
    }

    /** The smtpd.conf it runs with. */
    String config() throws IOException {
        return Files.readString(dir.resolve("conf/smtpd.conf"));
    }

    @Override
    public void close() throws Exception {
        try {
            if (smtpd != null) {
                smtpd.stop();
            }
        } finally {
            TempDirs.deleteTree(dir);
        }
    }
}
