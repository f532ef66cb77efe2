package dev.port25.firewall.testing;

import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace that a test creates and deletes: the only place where tests bind port 25.
 * Processes started in it are stopped by pid on {@link #close()}; the namespace is then deleted.
 */
public final class Netns implements AutoCloseable {

    private static final CommandRunner RUNNER = new CommandRunner();

    private final String name;
    private final List<BackgroundProcess> started = new ArrayList<>();
    private boolean etcOverlay;

    private Netns(String name) {
        this.name = name;
    }

    /** Creates a namespace named {@code p25-<tag>-<random>} with loopback up. */
    public static Netns create(String tag) throws CommandException {
        String name = "p25-" + tag + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        check(RUNNER.run("ip", "netns", "add", name));
        Netns ns = new Netns(name);
        try {
            ns.ok("ip", "link", "set", "lo", "up");
        } catch (RuntimeException | CommandException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /**
     * {@code /etc/netns/<name>}: {@code ip netns exec} bind-mounts each entry in it over
     * {@code /etc} for commands in this namespace (its own {@code /etc/alternatives},
     * {@code /etc/ufw}, ...). Created on first use, deleted on {@link #close()}.
     */
    public Path etcOverlay() throws IOException {
        Path dir = Path.of("/etc/netns", name);
        Files.createDirectories(dir);
        etcOverlay = true;
        return dir;
    }

    /**
     * Joins two namespaces with a veth pair created directly inside them (nothing appears in the
     * root namespace) and gives each end an IPv4 and an IPv6 address (CIDR text, IPv6 without DAD).
     */
    public static void link(Netns a, String a4, String a6, Netns b, String b4, String b6) throws CommandException {
        check(RUNNER.run("ip", "link", "add", "p25a", "netns", a.name, "type", "veth", "peer", "name", "p25b",
                "netns", b.name));
        a.ok("ip", "addr", "add", a4, "dev", "p25a");
        a.ok("ip", "-6", "addr", "add", a6, "dev", "p25a", "nodad");
        a.ok("ip", "link", "set", "p25a", "up");
        b.ok("ip", "addr", "add", b4, "dev", "p25b");
        b.ok("ip", "-6", "addr", "add", b6, "dev", "p25b", "nodad");
        b.ok("ip", "link", "set", "p25b", "up");
    }

    /** argv prefixed with {@code ip netns exec <name>}. */
    public List<String> inside(List<String> argv) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(argv);
        return full;
    }

    /** argv run inside the namespace as uid/gid 65534 (nobody), without supplementary groups. */
    public List<String> insideAsNobody(List<String> argv) {
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
        full.addAll(argv);
        return inside(full);
    }

    /** Runs a command inside; its result, whatever the exit code. */
    public CommandResult run(List<String> argv, Duration timeout) throws CommandException {
        return RUNNER.run(new Command(inside(argv), timeout, Map.of(), new byte[0]));
    }

    /** Runs a command inside and fails unless it exits 0. */
    public CommandResult ok(String... argv) throws CommandException {
        return check(RUNNER.run(Command.of(inside(List.of(argv)))));
    }

    /** Starts a long-running process from a full argv (built with {@link #inside}); stopped on close. */
    public BackgroundProcess spawn(List<String> fullArgv) throws CommandException {
        BackgroundProcess p = RUNNER.spawn(Command.of(fullArgv));
        started.add(p);
        return p;
    }

    private static CommandResult check(CommandResult r) {
        if (!r.ok()) {
            throw new IllegalStateException(r.describe());
        }
        return r;
    }

    @Override
    public void close() {
        for (BackgroundProcess p : started) {
            p.stop();
        }
        try {
            RUNNER.run("ip", "netns", "del", name);
            if (etcOverlay) {
                Trees.delete(Path.of("/etc/netns", name));
            }
        } catch (CommandException | IOException e) {
            throw new IllegalStateException("cannot delete namespace " + name, e);
        }
    }
}
