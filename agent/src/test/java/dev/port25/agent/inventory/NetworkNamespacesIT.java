package dev.port25.agent.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.agent.testing.AgentJar;
import dev.port25.agent.testing.FindingsJson;
import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Prerequisites;
import dev.port25.firewall.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent, run in the root namespace, lists the listeners of namespaces this test makes, each as
 * {@code ss -H -tulnp} run inside that namespace ({@code nsenter --net=}) sees them: one made with
 * {@code ip netns} and joined to a peer by a veth pair, one made with {@code unshare --net} (kept
 * by its process only, no bind mount), a systemd-nspawn container's private network, and an
 * empty one. The agent only reads there: it enters
 * each namespace from a thread of its own and changes nothing. Run as root and as uid 65534.
 */
@Tag("netns")
class NetworkNamespacesIT {

    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CommandRunner RUNNER = new CommandRunner();
    private static AgentJar jar;

    @BeforeEach
    void prerequisites() throws Exception {
        Prerequisites.require("ip", "ss", "nsenter", "unshare", "setpriv", "systemd-nspawn", "/bin/busybox", PYTHON);
        if (jar == null) {
            jar = AgentJar.copy();
        }
    }

    @AfterAll
    static void cleanup() throws Exception {
        if (jar != null) {
            jar.close();
        }
    }

    @Test
    void everyNamespaceIsListedAsSsSeesItInsideAndJudgedByWhetherAnythingOutsideCanReachIt() throws Exception {
        try (Netns wired = Netns.create("nsw"); Netns peer = Netns.create("nsp"); Netns empty = Netns.create("nse")) {
            Netns.link(wired, "198.18.25.1/24", "fd00:25::1/64", peer, "198.18.25.2/24", "fd00:25::2/64");
            long wiredPid = listen(wired, List.of(), """
                    [{"proto": "tcp", "family": 4, "addr": "0.0.0.0", "port": 25},
                     {"proto": "tcp", "family": 6, "addr": "::1", "port": 25, "v6only": true},
                     {"proto": "udp", "family": 4, "addr": "0.0.0.0", "port": 25},
                     {"proto": "tcp", "family": 4, "addr": "0.0.0.0", "port": 2525},
                     {"proto": "tcp", "family": 4, "addr": "127.0.0.1", "port": 587}]""");
            Path stale = Path.of("/run/netns", "p25-stale-" + ProcessHandle.current().pid());
            BackgroundProcess isolated = RUNNER.spawn(Command.of(List.of("unshare", "--net", "--", PYTHON,
                    jar.dir().resolve("listeners.py").toString(), conf("""
                    [{"proto": "tcp", "family": 4, "addr": "0.0.0.0", "port": 25},
                     {"proto": "tcp", "family": 6, "addr": "::", "port": 25, "v6only": true},
                     {"proto": "tcp", "family": 4, "addr": "0.0.0.0", "port": 26}]"""))));
            // a systemd-nspawn container with a private network (no veth: nothing in the root namespace)
            Path machine = nspawnRoot();
            BackgroundProcess nspawn = RUNNER.spawn(Command.of(List.of("systemd-nspawn", "--quiet", "--register=no",
                    "--keep-unit", "--private-network", "-D", machine.toString(), "--as-pid2", "/bin/busybox", "nc",
                    "-ll", "-p", "25", "-e", "/bin/busybox", "echo", "220")));
            try {
                ready(isolated);
                long payload = nspawnPayload(nspawn);
                // a name left in /run/netns by a failed 'ip netns add' is a plain file, not a namespace
                Files.writeString(stale, "");
                JsonNode doc = agent(List.of(), "status", "--json", "--namespaces", "all");
                assertThat(doc.get("namespaces").toString()).doesNotContain(stale.getFileName().toString());
                JsonNode w = namespace(doc, "netns/" + wired.name());
                JsonNode i = namespace(doc, "pid/" + isolated.pid());
                JsonNode e = namespace(doc, "netns/" + empty.name());
                assertThat(doc.at("/namespaces/0/name").asText()).isEqualTo("host");
                assertThat(listeners(w)).isEqualTo(ss("/run/netns/" + wired.name())).hasSize(3)
                        .allMatch(l -> l.endsWith(" " + wiredPid));
                assertThat(listeners(i)).isEqualTo(ss("/proc/" + isolated.pid() + "/ns/net")).hasSize(2);
                assertThat(listeners(e)).isEmpty();
                // named after its lowest pid (nspawn's own stub shares the namespace with the payload)
                JsonNode n = byInode(doc, Files.readSymbolicLink(Path.of("/proc/" + payload + "/ns/net")).toString());
                assertThat(n.get("name").asText()).startsWith("pid/");
                assertThat(listeners(n)).isEqualTo(ss("/proc/" + payload + "/ns/net")).singleElement().asString()
                        .startsWith("tcp [::]:25 ").endsWith(" " + payload);
                assertThat(FindingsJson.evidence(doc, "P25-014")).anyMatch(x -> x.contains(n.get("name").asText() + " ")
                        && x.contains("no interface but loopback"));
                assertThat(w.get("mounts").get(0).asText()).isEqualTo("/run/netns/" + wired.name());
                assertThat(i.get("mounts")).isEmpty();
                assertThat(i.get("processes").asInt()).isEqualTo(1);
                assertThat(strings(w.get("interfaces"))).containsExactly("p25a");
                assertThat(strings(i.get("interfaces"))).isEmpty();
                assertThat(w.get("inode").asLong()).isNotEqualTo(i.get("inode").asLong()).isPositive();
                // the wired namespace's wide listener can be reached from its peer, through a veth
                // whose other end is not the host's, which the agent cannot follow: UNKNOWN, naming
                // it; the isolated one is noted, not an alarm
                assertThat(FindingsJson.evidence(doc, "P25-013")).anyMatch(x -> x.contains("netns/" + wired.name())
                        && x.contains("tcp 0.0.0.0:25") && x.contains("p25a (a veth whose other end is not the host's)"))
                        .noneMatch(x -> x.contains("pid/" + isolated.pid()));
                assertThat(FindingsJson.evidence(doc, "P25-014")).anyMatch(x -> x.contains("pid/" + isolated.pid())
                        && x.contains("no interface but loopback"));
                assertThat(FindingsJson.evidence(doc, "P25-009")).anyMatch(x -> x.contains("udp 0.0.0.0:25")
                        && x.contains("netns/" + wired.name()));
                assertThat(FindingsJson.evidence(doc, "P25-001")).noneMatch(x -> x.contains("netns/") || x.contains("pid/"));
                assertThat(doc.get("verdict").asText()).isIn("UNKNOWN", "CRITICAL");

                JsonNode host = agent(List.of(), "status", "--json", "--namespaces", "host");
                assertThat(host.get("namespaces")).hasSize(1);
                assertThat(host.get("findings").toString()).doesNotContain("P25-013", "P25-014");

                // as nobody: the namespaces are seen, each says why it cannot be entered
                List<String> nobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--");
                JsonNode all = agent(nobody, "status", "--json", "--namespaces", "all");
                assertThat(namespace(all, "netns/" + wired.name()).get("error").asText()).contains("EPERM", "CAP_SYS_ADMIN");
                assertThat(FindingsJson.evidence(all, "P25-011")).anyMatch(x -> x.contains("netns/" + wired.name()));
                JsonNode auto = agent(nobody, "status", "--json");
                assertThat(auto.get("namespaces")).hasSize(1);
                assertThat(strings(auto.get("namespaceGaps"))).anyMatch(g -> g.contains("needs root"));
            } finally {
                isolated.stop();
                nspawn.stop();
                Files.deleteIfExists(stale);
                Trees.delete(machine);
            }
        }
    }

    /** A root file system for systemd-nspawn: busybox-static and an os-release. */
    private static Path nspawnRoot() throws Exception {
        Path root = Files.createTempDirectory("p25-nspawn-");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("usr/lib"));
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
        Files.writeString(root.resolve("usr/lib/os-release"), "ID=p25-mini\n");
        Files.writeString(root.resolve("etc/os-release"), "ID=p25-mini\n");
        return root;
    }

    /** The pid of the process systemd-nspawn runs in the container, once it listens. */
    private static long nspawnPayload(BackgroundProcess nspawn) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (ProcessHandle child : ProcessHandle.of(nspawn.pid()).map(h -> h.descendants().toList())
                    .orElse(List.of())) {
                // nspawn's own intermediate child carries the payload's words in its command line
                // too, and ends once it has started the container: only busybox itself counts
                if (child.info().command().orElse("").endsWith("busybox")
                        && child.info().commandLine().orElse("").contains("nc -ll -p 25")
                        && Files.exists(Path.of("/proc/" + child.pid() + "/ns/net"))
                        && !ss("/proc/" + child.pid() + "/ns/net").isEmpty()) {
                    return child.pid();
                }
            }
            if (!nspawn.isAlive()) {
                throw new AssertionError("systemd-nspawn ended: " + nspawn.stderrIfEnded());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("systemd-nspawn's payload did not listen within 20 s: " + nspawn);
    }

    private static long listen(Netns ns, List<String> prefix, String sockets) throws Exception {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(List.of(PYTHON, jar.dir().resolve("listeners.py").toString(), conf(sockets)));
        return ready(ns.spawn(ns.inside(argv)));
    }

    private static String conf(String sockets) throws Exception {
        return JSON.writeValueAsString(Map.of("fork", false, "sockets", JSON.readTree(sockets)));
    }

    private static long ready(BackgroundProcess p) {
        String line = p.readLine(Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError(
                "helper did not start: " + p + "\n" + p.stderrIfEnded()));
        assertThat(line).startsWith("READY ");
        return Long.parseLong(line.substring(6).split(" ")[0]);
    }

    private static JsonNode agent(List<String> prefix, String... args) throws Exception {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(jar.argv(args));
        CommandResult r = RUNNER.run(Command.of(argv).withTimeout(Duration.ofSeconds(120)));
        assertThat(r.stdout()).as(r.describe()).startsWith("{");
        return JSON.readTree(r.stdout());
    }

    private static JsonNode namespace(JsonNode doc, String name) {
        for (JsonNode ns : doc.get("namespaces")) {
            if (ns.get("name").asText().equals(name)) {
                return ns;
            }
        }
        throw new AssertionError("no namespace " + name + " in " + doc.get("namespaces"));
    }

    /** The namespace whose link is {@code link} ("net:[4026532290]"). */
    private static JsonNode byInode(JsonNode doc, String link) {
        for (JsonNode ns : doc.get("namespaces")) {
            if (("net:[" + ns.get("inode").asLong() + "]").equals(link)) {
                return ns;
            }
        }
        throw new AssertionError("no namespace " + link + " in " + doc.get("namespaces"));
    }

    /** "tcp 0.0.0.0:25 PID" per listener on port 25, as the agent lists them. */
    private static Set<String> listeners(JsonNode ns) {
        Set<String> out = new TreeSet<>();
        for (JsonNode l : ns.get("listeners")) {
            String addr = l.get("family").asText().equals("ipv6") ? "[" + l.get("address").asText() + "]"
                    : l.get("address").asText();
            StringBuilder pids = new StringBuilder();
            l.get("owners").forEach(o -> pids.append(' ').append(o.get("pid").asLong()));
            out.add(l.get("protocol").asText() + " " + addr + ":" + l.get("port").asInt() + pids);
        }
        return out;
    }

    private static final Pattern PID = Pattern.compile("pid=(\\d+)");

    /** The same, from {@code ss -H -tulnp} run inside the namespace. */
    private static Set<String> ss(String netns) throws Exception {
        CommandResult r = RUNNER.run("nsenter", "--net=" + netns, "--", "ss", "-H", "-tulnp", "sport = :25");
        assertThat(r.ok()).as(r.describe()).isTrue();
        Set<String> out = new TreeSet<>();
        for (String line : r.stdout().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            StringBuilder pids = new StringBuilder();
            Matcher m = PID.matcher(line);
            TreeSet<Long> sorted = new TreeSet<>();
            while (m.find()) {
                sorted.add(Long.parseLong(m.group(1)));
            }
            sorted.forEach(p -> pids.append(' ').append(p));
            String local = f[4].equals("*:25") ? "[::]:25" : f[4];
            out.add(f[0] + " " + local + pids);
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
