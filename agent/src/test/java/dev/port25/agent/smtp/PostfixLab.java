package dev.port25.agent.smtp;

import dev.port25.agent.testing.TempDirs;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.PacketLab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Postfix instance of the test's own inside a namespace: its own config directory, queue and
 * data directories and log file under a temporary folder, bound to one address. Mail can never
 * leave: every transport is "discard". Started with {@code postfix -c DIR start},
 * stopped with {@code postfix -c DIR stop} (the master of this instance only, by its pid file).
 */
public final class PostfixLab implements AutoCloseable {

    private final Netns ns;
    private final Path dir;
    /** Started in a mount namespace of its own, where {@link #dir} is its /etc/postfix: stopped by pid. */
    private final boolean ownMounts;

    private PostfixLab(Netns ns, Path dir, boolean ownMounts) {
        this.ns = ns;
        this.dir = dir;
        this.ownMounts = ownMounts;
    }

    /**
     * In a new private mount namespace: bind the lab's directory onto /etc/postfix, then start
     * Postfix with its defaults (no -c), as a container would; the master keeps the namespace.
     */
    private static final String OWN_MOUNTS = """
            import subprocess, sys
            subprocess.run(['mount', '--bind', sys.argv[1], '/etc/postfix'], check=True)
            sys.exit(subprocess.run(['postfix', 'start']).returncode)
            """;

    /**
     * Settings every instance shares; {@code overrides} win. {@code address} is Postfix's
     * inet_interfaces: "all", one address, or a comma-separated list (readiness waits for the first).
     */
    public static PostfixLab start(Netns ns, String address, Map<String, String> overrides) throws Exception {
        return start(ns, address, overrides, false);
    }

    /**
     * The same, seeing a file system of its own as a container's MTA does: started in a private
     * mount namespace where the lab's directory (with the rest of this host's /etc/postfix copied
     * in) is mounted on /etc/postfix, by {@code postfix start} with no {@code -c}. From the host,
     * its configuration is only at /proc/PID/root/etc/postfix; this host's own /etc/postfix is not
     * it.
     */
    public static PostfixLab startInOwnMounts(Netns ns, String address, Map<String, String> overrides)
            throws Exception {
        return start(ns, address, overrides, true);
    }

    private static PostfixLab start(Netns ns, String address, Map<String, String> overrides, boolean ownMounts)
            throws Exception {
        Path dir = Files.createTempDirectory("p25-postfix-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        PostfixLab lab = new PostfixLab(ns, dir, ownMounts);
        try {
            if (ownMounts) { // postfix-files, dynamicmaps.cf and the like, which Postfix reads from /etc/postfix
                ns.ok("cp", "-a", "/etc/postfix/.", dir.toString());
            }
            // smtpd not chrooted: the SASL configuration and any certificate stay where main.cf says
            Files.writeString(dir.resolve("master.cf"), Files.readString(Path.of("/etc/postfix/master.cf"))
                    .replaceFirst("(?m)^smtp(\\s+)inet(\\s+)n(\\s+)-(\\s+)y", "smtp$1inet$2n$3-$4n"));
            Path sasl = dir.resolve("sasl");
            Files.createDirectories(sasl);
            // Cyrus SASL with an empty sasldb: enough for smtpd to offer AUTH (no one can log in)
            Files.writeString(sasl.resolve("smtpd.conf"), "pwcheck_method: auxprop\nauxprop_plugin: sasldb\n"
                    + "mech_list: PLAIN LOGIN\nsasldb_path: " + sasl.resolve("sasldb2") + "\n");
            Files.createDirectories(dir.resolve("queue"));
            Files.createDirectories(dir.resolve("data"));
            ns.ok("chown", "postfix", dir.resolve("data").toString());
            Map<String, String> cf = new LinkedHashMap<>();
            cf.put("compatibility_level", "3.6");
            cf.put("queue_directory", dir.resolve("queue").toString());
            cf.put("data_directory", dir.resolve("data").toString());
            cf.put("maillog_file_prefixes", dir.toString());
            cf.put("maillog_file", dir.resolve("maillog").toString());
            cf.put("inet_interfaces", address);
            cf.put("inet_protocols", "all");
            cf.put("myhostname", "mx.p25.test");
            cf.put("mydomain", "p25.test");
            cf.put("mydestination", "$myhostname, p25.test");
            cf.put("mynetworks", "127.0.0.0/8 [::1]/128");
            cf.put("alias_maps", "");
            cf.put("alias_database", "");
            // discard, not error: Postfix rejects at RCPT time a recipient whose transport is
            // "error", which would hide an open relay; discard accepts and drops (and the probe
            // never sends DATA, so nothing is even queued)
            cf.put("default_transport", "discard:mail never leaves a test");
            cf.put("relay_transport", "discard:mail never leaves a test");
            cf.put("local_transport", "discard:mail never leaves a test");
            cf.put("cyrus_sasl_config_path", sasl.toString());
            // no tarpit (Postfix sleeps 1 s per rejected command): the relay forms would cost 13 s per run
            cf.put("smtpd_error_sleep_time", "0s");
            // no reverse lookup of each client: no DNS server answers in a test namespace, and
            // smtpd would wait for it at every connection (about 5 s each, seen here)
            cf.put("smtpd_peername_lookup", "no");
            cf.putAll(overrides);
            StringBuilder main = new StringBuilder();
            cf.forEach((k, v) -> main.append(k).append(" = ").append(v).append('\n'));
            Files.writeString(dir.resolve("main.cf"), main);
            CommandResult r = ns.run(ownMounts ? List.of("unshare", "--mount", "--propagation", "private", "--",
                    PacketLab.PYTHON, "-c", OWN_MOUNTS, dir.toString())
                    : List.of("postfix", "-c", dir.toString(), "start"), Duration.ofSeconds(60));
            if (!r.ok()) {
                throw new IllegalStateException("postfix did not start: " + r.describe() + "\n" + lab.log());
            }
            for (int i = 0; i < 50; i++) {
                String first = address.split(",")[0].strip().replaceAll("[\\[\\]]", "");
                List<String> ss = address.equals("all") ? List.of("ss", "-Hltn", "sport", "= :25")
                        : List.of("ss", "-Hltn", "src", first, "sport", "= :25");
                if (ns.ok(ss.toArray(String[]::new)).stdout().contains(":25")) {
                    return lab;
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("postfix does not listen on " + address + ":25\n" + lab.log());
        } catch (Exception e) {
            lab.close();
            throw e;
        }
    }

    Path dir() {
        return dir;
    }

    /** The main.cf it runs with. */
    String config() throws IOException {
        return Files.readString(dir.resolve("main.cf"));
    }

    String log() throws IOException {
        Path log = dir.resolve("maillog");
        return Files.exists(log) ? Files.readString(log) : "(no maillog)";
    }

    @Override
    public void close() throws Exception {
        try {
            Path pidFile = dir.resolve("queue/pid/master.pid");
            if (Files.exists(pidFile)) {
                String pid = Files.readString(pidFile).strip();
                if (ownMounts) { // what postfix stop does; its /etc/postfix is only in the master's namespace
                    ns.ok("kill", "-TERM", pid);
                } else {
                    ns.run(List.of("postfix", "-c", dir.toString(), "stop"), Duration.ofSeconds(60));
                }
                for (int i = 0; i < 100 && Files.exists(Path.of("/proc", pid)); i++) {
                    Thread.sleep(50);
                }
            }
        } finally {
            TempDirs.deleteTree(dir);
        }
    }
}
