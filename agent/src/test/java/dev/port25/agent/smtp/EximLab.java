package dev.port25.agent.smtp;

import dev.port25.agent.testing.TempDirs;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Exim 4.96 with Debian 12's default configuration (update-exim4.conf, configtype "local"), in a
 * namespace, next to the Postfix the tests also need: exim4 and postfix conflict as packages, so
 * the exim4-base, exim4-config and exim4-daemon-light packages are unpacked (dpkg-deb -x) into a
 * temporary folder from the .deb files {@code .ci/run} downloads ({@value #DEBS}, or
 * {@code -Dp25.exim.debs}). What differs from the default, and why: local_interfaces is the lab
 * address (the default is loopback only), primary_hostname is fixed, spool and logs are in the
 * temporary folder, and the Debian-exim user exists only in the namespace's own /etc/passwd and
 * /etc/group overlay. Stopped by its pid file.
 */
final class EximLab implements AutoCloseable {

    static final String DEBS = "/var/cache/port25-agent-ci/exim4";

    private final Path dir;
    private final Path pidFile;

    private EximLab(Path dir) {
        this.dir = dir;
        this.pidFile = dir.resolve("exim.pid");
    }

    static Path debs() {
        return Path.of(System.getProperty("p25.exim.debs", DEBS));
    }

    /** Starts Exim on {@code address}:25 with the generated configuration changed by {@code edit}. */
    static EximLab start(Netns ns, String address, UnaryOperator<String> edit) throws Exception {
        return start(ns, List.of(address), edit);
    }

    /**
     * Starts Exim on each of {@code addresses} (port 25; IPv6 ones too) with the generated
     * configuration changed by {@code edit}; readiness waits for the first.
     */
    static EximLab start(Netns ns, List<String> addresses, UnaryOperator<String> edit)
            throws Exception {
        String address = addresses.get(0);
        Path dir = Files.createTempDirectory("p25-exim-");
        EximLab lab = new EximLab(dir);
        CommandRunner root = new CommandRunner();
        try {
            Path rootfs = dir.resolve("root");
            MtaLabs.unpack(debs(), rootfs);
            Path etc = ns.etcOverlay();
            Files.writeString(etc.resolve("passwd"), Files.readString(Path.of("/etc/passwd"))
                    + "Debian-exim:x:64025:64025::/var/spool/exim4:/usr/sbin/nologin\n");
            Files.writeString(etc.resolve("group"), Files.readString(Path.of("/etc/group")) + "Debian-exim:x:64025:\n");
            Path conf = rootfs.resolve("etc/exim4");
            Files.writeString(conf.resolve("update-exim4.conf.conf"), """
                    dc_eximconfig_configtype='local'
                    dc_other_hostnames='mx.p25.test'
                    dc_local_interfaces='%s'
                    dc_readhost=''
                    dc_relay_domains=''
                    dc_minimaldns='false'
                    dc_relay_nets=''
                    dc_smarthost=''
                    CFILEMODE='644'
                    dc_use_split_config='false'
                    dc_hide_mailname=''
                    dc_mailname_in_oh='true'
                    dc_localdelivery='mail_spool'
                    """.formatted(String.join(" ; ", addresses)));
            Path shim = dir.resolve("shim");
            Files.createDirectories(shim);
            Files.writeString(shim.resolve("chown"), "#!/bin/sh\nexit 0\n"); // the group exists only in the overlay
            shim.resolve("chown").toFile().setExecutable(true);
            Path generated = dir.resolve("generated.conf");
            MtaLabs.ok(ns.run(List.of("env", "PATH=" + shim + ":" + rootfs.resolve("usr/sbin") + ":/usr/bin:/bin", "sh",
                    rootfs.resolve("usr/sbin/update-exim4.conf").toString(), "-d", conf.toString(), "-o",
                    generated.toString()), Duration.ofSeconds(60)));
            Path spool = dir.resolve("spool");
            Path log = dir.resolve("log");
            Files.createDirectories(spool);
            Files.createDirectories(log);
            MtaLabs.ok(root.run("chown", "64025:64025", spool.toString(), log.toString()));
            dir.toFile().setExecutable(true, false);
            Files.writeString(dir.resolve("exim4.conf"), "log_file_path = " + log + "/%slog\nSPOOLDIR = " + spool
                    + "\nprimary_hostname = mx.p25.test\n" + edit.apply(Files.readString(generated)));
            MtaLabs.ok(ns.run(List.of(rootfs.resolve("usr/sbin/exim4").toString(), "-C", dir.resolve("exim4.conf").toString(),
                    "-bd", "-oP", lab.pidFile.toString()), Duration.ofSeconds(30)));
            if (MtaLabs.awaitListener(ns, address, () -> true)) {
                return lab;
            }
            throw new IllegalStateException("exim does not listen on " + address + ":25");
        } catch (Exception e) {
            lab.close();
            throw e;
        }
    }

    /** The exim binary unpacked for this lab. */
    Path binary() {
        return dir.resolve("root/usr/sbin/exim4");
    }

    /** The configuration file Exim was started with ({@code -C}). */
    Path configFile() {
        return dir.resolve("exim4.conf");
    }

    /** The configuration Exim runs with. */
    String config() throws IOException {
        return Files.readString(dir.resolve("exim4.conf"));
    }

    /** Its mainlog and rejectlog, each line prefixed with the log's name. */
    String log() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String name : List.of("mainlog", "rejectlog")) {
            Path f = dir.resolve("log").resolve(name);
            if (Files.exists(f)) {
                Files.readAllLines(f).forEach(l -> b.append(name).append(": ").append(l).append('\n'));
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws Exception {
        try {
            if (Files.exists(pidFile)) {
                String pid = Files.readString(pidFile).strip();
                new CommandRunner().run("kill", pid);
                for (int i = 0; i < 100 && Files.exists(Path.of("/proc", pid)); i++) {
                    Thread.sleep(50);
                }
            }
        } finally {
            TempDirs.deleteTree(dir);
        }
    }
}
