package dev.port25.packaging;

import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.PacketLab;
import dev.port25.firewall.testing.Prerequisites;
import dev.port25.firewall.testing.Trees;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Debian 12 system booted with systemd as its PID 1, for installing the packages into: a root made
 * by debootstrap (cached in {@link #CACHE}, made again when missing or when {@link #PACKAGES}
 * change), seen through an overlay so that every boot starts from the same files, booted by
 * systemd-nspawn in a network namespace this test makes, which a veth pair joins to a peer
 * namespace (198.18.14.0/24, fd00:14::/64). Nothing of the build machine's own network, firewall or
 * services changes: the container's firewall is the namespace's.
 */
final class BootedDebian implements AutoCloseable {

    static final Path CACHE = Path.of("/var/cache/port25-agent-test/debian12-root");
    /**
     * What the root holds besides minbase: systemd to boot, a JRE, every Linux firewall backend
     * (firewalld disabled at boot, ufw inactive until a test enables it; libpam-systemd is the logind
     * that firewalld's polkitd needs), and rpm for the rpm test.
     */
    static final List<String> PACKAGES = List.of("systemd", "systemd-sysv", "dbus", "openjdk-17-jre-headless",
            "nftables", "iptables", "ufw", "firewalld", "libpam-systemd", "iproute2", "rpm", "python3-minimal");
    static final String MIRROR = "http://deb.debian.org/debian";
    static final String ADDRESS4 = "198.18.14.1";
    static final String ADDRESS6 = "fd00:14::1";
    private static final String PEER4 = "198.18.14.2";
    private static final String PEER6 = "fd00:14::2";

    private static final CommandRunner RUNNER = new CommandRunner();

    private final Path work;
    private final Path root;
    private final Netns host;
    private final Netns peer;
    private BackgroundProcess nspawn;
    private long init;

    private BootedDebian(Path work, Netns host, Netns peer) {
        this.work = work;
        this.root = work.resolve("root");
        this.host = host;
        this.peer = peer;
    }

    static void requirePrerequisites() {
        Prerequisites.require("debootstrap", "systemd-nspawn", "nsenter", "ip", "mount", "umount", PacketLab.PYTHON);
    }

    /** Boots a fresh container (the cached root under an empty overlay) and waits for systemd to be up. */
    static BootedDebian boot(String tag) throws Exception {
        Path lower = cachedRoot();
        Path work = Files.createTempDirectory(Path.of("/var/tmp"), "p25-boot-");
        Netns host = Netns.create(tag);
        Netns peer = null;
        BootedDebian box = null;
        try {
            peer = Netns.create(tag + "-peer");
            Netns.link(host, ADDRESS4 + "/24", ADDRESS6 + "/64", peer, PEER4 + "/24", PEER6 + "/64");
            box = new BootedDebian(work, host, peer);
            box.start(lower, "p25-" + tag + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff)));
            return box;
        } catch (Exception | AssertionError e) {
            if (box != null) {
                box.close();
            } else {
                host.close();
                if (peer != null) {
                    peer.close();
                }
                Trees.delete(work);
            }
            throw e;
        }
    }

    private void start(Path lower, String machine) throws Exception {
        for (String d : List.of("upper", "ovl", "root")) {
            Files.createDirectories(work.resolve(d));
        }
        ok(RUNNER.run("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + lower + ",upperdir=" + work.resolve("upper")
                + ",workdir=" + work.resolve("ovl"), root.toString()));
        // nspawn grants CAP_NET_ADMIN only with a network of its own making; this namespace is ours.
        nspawn = RUNNER.spawn(Command.of(List.of("systemd-nspawn", "-D", root.toString(), "-b", "-M", machine,
                "--register=no", "--keep-unit", "--network-namespace-path=/run/netns/" + host.name(),
                "--capability=CAP_NET_ADMIN", "--console=pipe")));
        // nspawn's child is first an intermediate process, which forks the container's init and
        // exits: the init is the child whose command is systemd, and until its systemd answers on
        // its bus, systemctl prints nothing (or "offline")
        Instant deadline = Instant.now().plusSeconds(60);
        Path children = Path.of("/proc", Long.toString(nspawn.pid()), "task", Long.toString(nspawn.pid()), "children");
        String state = "";
        while (!List.of("running", "degraded", "maintenance", "stopping").contains(state)) {
            if (!nspawn.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the container did not boot (init " + init + ", systemd: '" + state
                        + "'): " + nspawn.stderrIfEnded());
            }
            Thread.sleep(50);
            init = 0;
            for (String kid : (Files.exists(children) ? Files.readString(children).strip() : "").split(" ")) {
                Path comm = Path.of("/proc", kid, "comm");
                if (!kid.isEmpty() && Files.exists(comm) && Files.readString(comm).strip().equals("systemd")) {
                    init = Long.parseLong(kid);
                }
            }
            if (init != 0) {
                state = run(Duration.ofSeconds(60), "systemctl", "is-system-running", "--wait").stdout().strip();
            }
        }
        if (!state.equals("running") && !state.equals("degraded")) {
            throw new IllegalStateException("the container's systemd is " + state + ": "
                    + run(Duration.ofSeconds(10), "systemctl", "--failed", "--no-pager").stdout());
        }
    }

    /**
     * The debootstrapped root: made when missing, or when it was made with other packages, into a
     * new directory that replaces the old one only once complete.
     */
    static synchronized Path cachedRoot() throws Exception {
        Path stamp = CACHE.resolve("etc/port25-agent-test-packages");
        String want = String.join(",", PACKAGES) + "\n";
        if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(want)) {
            return CACHE;
        }
        Path fresh = CACHE.resolveSibling(CACHE.getFileName() + ".new");
        for (String mounted : List.of("proc", "sys", "dev/pts", "dev")) { // left by a debootstrap that was killed
            if (Files.isDirectory(fresh.resolve(mounted))) {
                RUNNER.run("umount", "-l", fresh.resolve(mounted).toString());
            }
        }
        Trees.delete(fresh);
        Files.createDirectories(fresh.getParent());
        CommandResult made = RUNNER.run(new Command(List.of("debootstrap", "--variant=minbase",
                "--include=" + String.join(",", PACKAGES), "bookworm", fresh.toString(), MIRROR), Duration.ofMinutes(15),
                Map.of(), new byte[0]));
        if (!made.ok()) {
            Path log = fresh.resolve("debootstrap/debootstrap.log");
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            throw new IllegalStateException(made.describe() + "\n" + String.join("\n",
                    lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        }
        // firewalld would start at boot and take the container's firewall; the tests start it when they want it
        ok(RUNNER.run("systemctl", "--root=" + fresh, "disable", "firewalld.service"));
        Files.writeString(fresh.resolve("etc/port25-agent-test-packages"), want);
        Trees.delete(CACHE);
        Files.move(fresh, CACHE);
        return CACHE;
    }

    /** A path inside the container's file system, as the build machine sees it (for reading and writing files). */
    Path file(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    /** Copies a file into the container under /root (its /tmp is a tmpfs of its own); returns the path inside. */
    String copyIn(Path source) throws IOException {
        String inside = "/root/" + source.getFileName();
        Files.copy(source, file(inside), StandardCopyOption.REPLACE_EXISTING);
        return inside;
    }

    /** Runs a command in the container (all its namespaces, as its root); the result whatever the exit code. */
    CommandResult run(Duration timeout, String... argv) throws CommandException {
        // without the test JVM's JAVA_HOME, which would otherwise reach the launcher in the container
        List<String> full = new ArrayList<>(List.of("nsenter", "-t", Long.toString(init), "-a", "--",
                "env", "-u", "JAVA_HOME"));
        full.addAll(List.of(argv));
        return RUNNER.run(new Command(full, timeout, Map.of(), new byte[0]));
    }

    /** Runs a command in the container and fails unless it exits 0; its standard output. */
    String ok(String... argv) throws CommandException {
        return ok(run(Duration.ofSeconds(60), argv)).stdout();
    }

    /** The container's whole nft ruleset, as text. */
    String ruleset() throws CommandException {
        return ok("nft", "list", "ruleset");
    }

    /**
     * A listener on 0.0.0.0:25 and [::]:25, as the user nobody (a transient unit of the container's
     * systemd), so that naming its owner takes reading another user's /proc/PID/fd.
     */
    void listenOnPort25() throws Exception {
        ok("systemd-run", "--unit=p25-test-listener", "--quiet", "-p", "User=nobody",
                "-p", "AmbientCapabilities=CAP_NET_BIND_SERVICE", "/usr/bin/python3", "-c", PacketLab.listenScript(),
                PacketLab.Listener.PER_FAMILY.name());
        waitFor("a listener on port 25", Duration.ofSeconds(20), () -> probe(ADDRESS4).equals("open"));
    }

    /**
     * A network namespace of the container's ({@code ip netns add NAME}, loopback only, as a
     * container with no way in) with a listener on 0.0.0.0:25 and [::]:25 in it, as the user nobody,
     * run by the container's systemd ({@code NetworkNamespacePath=}).
     */
    void listenInNamespace(String name) throws Exception {
        ok("ip", "netns", "add", name);
        ok("systemd-run", "--unit=p25-test-listener-" + name, "--quiet", "-p", "NetworkNamespacePath=/run/netns/" + name,
                "-p", "User=nobody", "-p", "AmbientCapabilities=CAP_NET_BIND_SERVICE", "/usr/bin/python3", "-c", PacketLab.listenScript(), PacketLab.Listener.PER_FAMILY.name());
        waitFor("a listener on port 25 in " + name, Duration.ofSeconds(20),
                () -> !ok("nsenter", "--net=/run/netns/" + name, "ss", "-H", "-ltn", "sport = :25").isBlank());
    }

    /** What the peer's connection to the container's port 25 meets: open, refused, unreachable, denied or timeout. */
    String probe(String address) throws Exception {
        return ok(peer.run(List.of(PacketLab.PYTHON, "-c", PacketLab.probeScript(), address), Duration.ofSeconds(10)))
                .stdout().strip();
    }

    /** "ipv4=open ipv6=open". */
    String probeBoth() throws Exception {
        return "ipv4=" + probe(ADDRESS4) + " ipv6=" + probe(ADDRESS6);
    }

    /** A unit's property, e.g. MainPID or ActiveState. */
    String property(String unit, String name) throws CommandException {
        return ok("systemctl", "show", "-p", name, "--value", unit).strip();
    }

    /** The unit's journal, for failure messages. */
    String journal(String unit) throws CommandException {
        return run(Duration.ofSeconds(20), "journalctl", "-u", unit, "--no-pager", "-n", "60").stdout();
    }

    interface Check {
        boolean holds() throws Exception;
    }

    /** Polls until the check holds; fails naming what it waited for. */
    static void waitFor(String what, Duration limit, Check check) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (!check.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited " + limit.toSeconds() + " s for " + what);
            }
            Thread.sleep(200);
        }
    }

    /** The launcher's class-data archives in /var/cache/port25-agent, as the build machine sees them. */
    List<Path> cdsArchives() throws IOException {
        Path dir = file("/var/cache/port25-agent");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("cds-[0-9A-Za-z._+-]+\\.jsa")).sorted().toList();
        }
    }

    /** A file's text inside the container, or empty when absent. */
    String readOrEmpty(String absolute) throws IOException {
        Path p = file(absolute);
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    /** {@code systemd-analyze security}'s overall exposure of a unit (0 safest, 10 least safe). */
    double securityExposure(String unit) throws CommandException {
        String text = run(Duration.ofSeconds(60), "systemd-analyze", "security", "--no-pager", unit).stdout();
        Matcher m = Pattern.compile("Overall exposure level for \\S+: ([0-9.]+)")
                .matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("systemd-analyze security printed no exposure level: " + text);
        }
        return Double.parseDouble(m.group(1));
    }

    private static CommandResult ok(CommandResult r) {
        if (!r.ok()) {
            throw new IllegalStateException(r.describe());
        }
        return r;
    }

    @Override
    public void close() throws IOException, CommandException {
        try {
            if (nspawn != null) {
                nspawn.stop(); // SIGTERM: nspawn halts the container, in well under a second
            }
        } finally {
            try {
                if (Files.exists(root)) {
                    RUNNER.run("umount", root.toString());
                }
                Trees.delete(work);
            } finally {
                host.close();
                peer.close();
            }
        }
    }
}
