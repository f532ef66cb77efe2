package dev.port25.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.firewalld.FirewalldLab;
import dev.port25.firewall.iptables.IptablesLab;
import dev.port25.firewall.testing.FullRuleset;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.ufw.UfwLab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server and a peer namespace joined by a veth pair (198.18.25.1/2/3, fd00:25::1/2/3), the
 * firewall backend set up in the server as an admin would have it, and the built jar run in the
 * server: what EnforceIT and DaemonIT share.
 */
public final class BackendLab implements AutoCloseable {
    public final String backend;
    public final Netns server;
    public final Netns peer;
    public final Path dir;
    FirewalldLab firewalld;
    /** What goes before the agent's argv (the firewalld bus address). */
    public List<String> env = List.of();

    private final AgentJar jar;

    public BackendLab(AgentJar jar, String backend) throws Exception {
        this.jar = jar;
        this.backend = backend;
        server = Netns.create("enf-s");
        peer = Netns.create("enf-c");
        dir = Files.createTempDirectory("p25-enforce-");
        try {
            setUp();
        } catch (Exception | Error e) {
            close(); // a lab that could not be made leaves no namespace behind
            throw e;
        }
    }

    private void setUp() throws Exception {
        Netns.link(server, "198.18.25.1/24", "fd00:25::1/64", peer, "198.18.25.2/24", "fd00:25::2/64");
        peer.ok("ip", "addr", "add", "198.18.25.3/24", "dev", "p25b");
        peer.ok("ip", "-6", "addr", "add", "fd00:25::3/64", "dev", "p25b", "nodad");
        switch (backend) {
            case "iptables" -> {
                IptablesLab.useVariant(server, "nft");
                // an admin's own rules, as on any host that uses iptables: the filter tables exist
                // before the agent comes (iptables-nft creates them on first use and leaves them)
                server.ok("iptables", "-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT");
                server.ok("ip6tables", "-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "ACCEPT");
            }
            case "ufw" -> UfwLab.ownUfwConfig(server);
            case "firewalld" -> {
                firewalld = FirewalldLab.start(server);
                env = List.of("env", firewalld.busAddress());
                // the default zone (public) rejects 25; let it in as an admin of a host with an MTA would
                firewalld.runner().run("firewall-cmd", "--add-port=25/tcp");
                firewalld.runner().run("firewall-cmd", "--permanent", "--add-port=25/tcp");
            }
            default -> {
                // nftables: a foreign table the agent must leave as it is
                server.ok("nft", "add", "table", "inet", "admin");
                server.ok("nft", "add", "chain", "inet", "admin", "in", "{ type filter hook input priority 0 ; }");
                server.ok("nft", "add", "rule", "inet", "admin", "in", "tcp", "dport", "22", "accept");
            }
        }
    }

    public CommandRunner runner() {
        return firewalld != null ? firewalld.runner() : CommandRunner.inNetworkNamespace(server.name());
    }

    public Path settings(String yaml) throws Exception {
        Path p = dir.resolve("agent.yml");
        Files.writeString(p, "firewall:\n  backend: " + backend + "\n" + yaml);
        return p;
    }

    public CommandResult agent(String... args) throws Exception {
        List<String> argv = new ArrayList<>(server.inside(env));
        argv.addAll(jar.argv(args));
        CommandResult r = new CommandRunner().run(Command.of(argv).withTimeout(Duration.ofSeconds(180)));
        System.out.printf(Locale.ROOT, "%s: %s: %d ms, exit %d%n", backend, String.join(" ", args),
                r.elapsed().toMillis(), r.exitCode());
        return r;
    }

    /** Starts the agent in the server namespace in the background (stopped by pid when the lab closes). */
    public BackgroundProcess spawnAgent(String... args) throws Exception {
        return spawnAgent(List.of(), args);
    }

    /** The same with JVM options; the process's pid is the JVM's ({@code ip netns exec} and {@code env} exec it). */
    public BackgroundProcess spawnAgent(List<String> jvmOptions, String... args) throws Exception {
        List<String> argv = new ArrayList<>(server.inside(env));
        argv.addAll(jar.argvWithJvmOptions(jvmOptions, args));
        return server.spawn(argv);
    }

    public JsonNode json(String... args) throws Exception {
        CommandResult r = agent(args);
        assertThat(r.stdout()).as(r.describe()).startsWith("{");
        return new ObjectMapper().readTree(r.stdout());
    }

    public String[] withState(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--state-dir", dir.resolve("state").toString()));
        return a.toArray(String[]::new);
    }

    /**
     * The whole ruleset as the backend's tools print it, every layer (the legacy iptables tables
     * too, where a table that a read created shows) and the manager's own view, counters zeroed:
     * {@link FullRuleset#layers}.
     */
    public String rules() throws Exception {
        return FullRuleset.layers(backend, runner());
    }

    /** Whether a connection from the peer's {@code source} to the server's {@code host}:25 opens. */
    public boolean connects(String source, String host) throws Exception {
        return connects(peer, source, host);
    }

    /** Whether the server reaches its own {@code host}:25 (local submission to 127.0.0.1 or ::1). */
    public boolean locally(String host) throws Exception {
        return connects(server, host, host);
    }

    private static boolean connects(Netns from, String source, String host) throws Exception {
        CommandResult r = from.run(List.of("/usr/bin/python3", "-c",
                "import socket,sys\ns=socket.socket(socket.AF_INET6 if ':' in sys.argv[2] else socket.AF_INET)\n"
                        + "s.settimeout(1)\ns.bind((sys.argv[1],0))\ntry:\n s.connect((sys.argv[2],25)); print('open')\n"
                        + "except OSError as e:\n print('closed', e)", source, host), Duration.ofSeconds(10));
        return r.stdout().startsWith("open");
    }

    @Override
    public void close() throws Exception {
        try {
            if (firewalld != null) {
                firewalld.close();
            }
        } finally {
            peer.close();
            server.close();
            TempDirs.deleteTree(dir);
        }
    }
}
