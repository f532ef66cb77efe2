package dev.port25.agent.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.agent.testing.AgentJar;
import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's inventory against {@code ss -H -tulnp} in namespaces this test creates, with a
 * tricky set of listeners on 25 and decoys on other ports and in other states. Spread over three
 * namespaces because Linux refuses some combinations (0.0.0.0:25 beside specific-address :25
 * listeners; a dual-stack :: beside 0.0.0.0). Run as root and as uid 65534.
 */
@Tag("netns")
class InventoryDifferentialIT {

    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static AgentJar jar;

    /** One socket a helper opens; {@code v6only} null means the kernel default (off). */
    record Spec(String proto, int family, String addr, int port, Boolean v6only, boolean reuseport, String connect,
                String device) {
        static Spec tcp4(String addr, int port) {
            return new Spec("tcp", 4, addr, port, null, false, null, null);
        }

        static Spec udp4(String addr, int port) {
            return new Spec("udp", 4, addr, port, null, false, null, null);
        }

        static Spec tcp6(String addr, int port, Boolean v6only) {
            return new Spec("tcp", 6, addr, port, v6only, false, null, null);
        }

        static Spec udp6(String addr, int port, Boolean v6only) {
            return new Spec("udp", 6, addr, port, v6only, false, null, null);
        }

        Spec withReuseport() {
            return new Spec(proto, family, addr, port, v6only, true, connect, device);
        }

        Spec connectFrom(String to) {
            return new Spec(proto, family, addr, port, v6only, reuseport, to, device);
        }

        Spec boundTo(String dev) {
            return new Spec(proto, family, addr, port, v6only, reuseport, connect, dev);
        }

        /**
         * What the kernel reports: the option as set, except that binding a specific IPv6 address
         * that is not v4-mapped turns IPV6_V6ONLY on (net/ipv6/af_inet6.c, __inet6_bind).
         */
        boolean effectiveV6only() {
            boolean specificV6 = !addr.equals("::") && !addr.startsWith("::ffff:");
            return family == 6 && (Boolean.TRUE.equals(v6only) || specificV6);
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("proto", proto);
            m.put("family", family);
            m.put("addr", addr);
            m.put("port", port);
            if (v6only != null) {
                m.put("v6only", v6only);
            }
            m.put("reuseport", reuseport);
            if (connect != null) {
                m.put("connect", connect);
            }
            if (device != null) {
                m.put("device", device);
            }
            return m;
        }
    }

    /** A helper process: its sockets, whether it forks, whether it runs as nobody; pids once started. */
    record Helper(List<Spec> sockets, boolean fork, boolean nobody, Set<Long> pids) {
    }

    /** Per test, so that a skip outside CI is reported on each test with its reason. */
    @BeforeEach
    void prerequisites() throws Exception {
        Prerequisites.require("ip", "ss", "setpriv", "sysctl", PYTHON);
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
    void specificAddressesLoopbackMappedReuseportAndUdp() throws Exception {
        try (Netns ns = Netns.create("inv-a")) {
            ns.ok("ip", "addr", "add", "198.18.0.1/32", "dev", "lo");
            ns.ok("ip", "addr", "add", "198.18.0.2/32", "dev", "lo");
            ns.ok("ip", "addr", "add", "198.18.0.3/32", "dev", "lo");
            ns.ok("ip", "-6", "addr", "add", "fd00::25/128", "dev", "lo", "nodad");
            Helper root = start(ns, false, true, List.of(
                    Spec.tcp4("127.0.0.1", 25),
                    Spec.tcp4("198.18.0.1", 25).connectFrom("198.18.0.1"),
                    Spec.tcp6("fd00::25", 25, null),
                    Spec.tcp6("::1", 25, true),
                    Spec.tcp6("::ffff:198.18.0.2", 25, false),
                    Spec.udp4("0.0.0.0", 25).boundTo("lo"),
                    // decoys: other ports
                    Spec.tcp4("0.0.0.0", 26),
                    Spec.tcp6("::1", 587, true),
                    Spec.udp4("127.0.0.1", 2500)));
            Helper nobody = start(ns, true, false, List.of(
                    Spec.tcp4("198.18.0.3", 25).withReuseport(),
                    Spec.tcp4("198.18.0.3", 25).withReuseport(),
                    Spec.udp6("::1", 25, null),
                    Spec.tcp4("198.18.0.3", 2525)));
            compare(ns, List.of(root, nobody));
        }
    }

    @Test
    void wildcardsSharedByParentAndForkedChild() throws Exception {
        try (Netns ns = Netns.create("inv-b")) {
            Helper root = start(ns, false, true, List.of(
                    Spec.tcp4("0.0.0.0", 25),
                    Spec.tcp6("::", 25, true),
                    Spec.udp4("0.0.0.0", 25),
                    Spec.udp6("::", 25, true),
                    Spec.tcp4("0.0.0.0", 2525),
                    Spec.udp6("::", 2500, false)));
            compare(ns, List.of(root));
        }
    }

    @Test
    void dualStackWildcardAndEstablishedDecoy() throws Exception {
        try (Netns ns = Netns.create("inv-c")) {
            Helper nobody = start(ns, true, false, List.of(
                    Spec.tcp6("::", 25, false).connectFrom("::1"),
                    Spec.tcp6("::", 465, false)));
            Helper root = start(ns, false, false, List.of(Spec.udp6("::", 25, false)));
            compare(ns, List.of(nobody, root));
        }
    }

    private Helper start(Netns ns, boolean asNobody, boolean fork, List<Spec> sockets) throws Exception {
        if (asNobody) {
            ns.ok("sysctl", "-q", "-w", "net.ipv4.ip_unprivileged_port_start=0");
        }
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("fork", fork);
        conf.put("sockets", sockets.stream().map(Spec::json).toList());
        List<String> argv = List.of(PYTHON, jar.dir().resolve("listeners.py").toString(), JSON.writeValueAsString(conf));
        BackgroundProcess p = ns.spawn(asNobody ? ns.insideAsNobody(argv) : ns.inside(argv));
        String ready = p.readLine(Duration.ofSeconds(10))
                .orElseThrow(() -> new AssertionError("helper did not start: " + p + "\n" + waitStderr(p)));
        assertThat(ready).startsWith("READY ");
        Set<Long> pids = new TreeSet<>();
        for (String pid : ready.substring(6).split(" ")) {
            pids.add(Long.parseLong(pid));
        }
        assertThat(pids).contains(p.pid());
        return new Helper(sockets, fork, asNobody, pids);
    }

    private static String waitStderr(BackgroundProcess p) {
        p.waitFor(Duration.ofSeconds(2));
        return p.stderrIfEnded();
    }

    private void compare(Netns ns, List<Helper> helpers) throws Exception {
        for (boolean asNobody : new boolean[] {false, true}) {
            String who = asNobody ? "uid 65534" : "root";
            List<String> expected = expectedKeys(helpers, asNobody);
            List<String> ss = ssKeys(ns, asNobody);
            JsonNode doc = agent(ns, asNobody, "status", "--json");
            List<String> agent = agentKeys(doc);
            assertThat(ss).as("ss as %s against what the helpers opened", who).isEqualTo(expected);
            assertThat(agent).as("agent as %s against ss -H -tulnp as %s", who, who).isEqualTo(ss);
            assertThat(doc.get("verdict").asText()).isEqualTo("CRITICAL");
            assertThat(doc.at("/inventory/source").asText()).isEqualTo("netlink");
            for (JsonNode l : doc.get("listeners")) {
                String endpoint = l.get("protocol").asText() + " " + l.get("address").asText();
                assertThat(l.get("v6only").asBoolean()).as("v6only of %s", endpoint).isEqualTo(specFor(helpers, l).effectiveV6only());
                assertThat(l.get("inode").asLong()).as("inode of %s", endpoint).isPositive();
                if (l.get("owners").isEmpty()) {
                    assertThat(l.get("ownersUnknown").isNull()).as("%s without owners must say why", endpoint).isFalse();
                } else if (!asNobody) {
                    assertThat(l.get("ownersUnknown").isNull()).as("root sees every owner of %s", endpoint).isTrue();
                }
                for (JsonNode o : l.get("owners")) {
                    assertThat(o.get("name").asText()).startsWith("python3");
                    assertThat(o.get("user").asText()).isEqualTo(ownerOf(helpers, o.get("pid").asLong()).nobody() ? "nobody" : "root");
                }
            }
        }
        JsonNode oshi = agent(ns, false, "status", "--json", "--source", "oshi");
        assertThat(oshi.at("/inventory/source").asText()).isEqualTo("oshi");
        assertThat(oshi.at("/inventory/gaps")).isNotEmpty();
        List<String> oshiSockets = new ArrayList<>();
        for (JsonNode l : oshi.get("listeners")) {
            oshiSockets.add(l.get("protocol").asText() + " " + l.get("address").asText() + " " + l.get("port").asInt());
            Helper h = helperFor(helpers, l);
            for (JsonNode o : l.get("owners")) {
                assertThat(h.pids()).as("OSHI's one owner of %s", l).contains(o.get("pid").asLong());
            }
            if (l.get("family").asText().equals("ipv6")) {
                assertThat(l.get("v6only").isNull()).as("OSHI cannot know v6only").isTrue();
            }
        }
        List<String> expectedSockets = new ArrayList<>();
        for (Helper h : helpers) {
            for (Spec s : h.sockets()) {
                if (s.port() == 25) {
                    expectedSockets.add(s.proto() + " " + s.addr() + " 25");
                }
            }
        }
        assertThat(sorted(oshiSockets)).as("OSHI fallback finds the same sockets").isEqualTo(sorted(expectedSockets));
    }

    private static List<String> sorted(List<String> l) {
        List<String> copy = new ArrayList<>(l);
        copy.sort(null);
        return copy;
    }

    private Spec specFor(List<Helper> helpers, JsonNode l) {
        return helperFor(helpers, l).sockets().stream()
                .filter(s -> matches(s, l)).findFirst().orElseThrow();
    }

    private Helper helperFor(List<Helper> helpers, JsonNode l) {
        return helpers.stream().filter(h -> h.sockets().stream().anyMatch(s -> matches(s, l))).findFirst()
                .orElseThrow(() -> new AssertionError("agent reported a socket no helper opened: " + l));
    }

    private static boolean matches(Spec s, JsonNode l) {
        return s.proto().equals(l.get("protocol").asText()) && s.addr().equals(l.get("address").asText())
                && s.port() == l.get("port").asInt() && ("ipv" + s.family()).equals(l.get("family").asText());
    }

    private static Helper ownerOf(List<Helper> helpers, long pid) {
        return helpers.stream().filter(h -> h.pids().contains(pid)).findFirst()
                .orElseThrow(() -> new AssertionError("owner pid " + pid + " is no helper's"));
    }

    /** "tcp fd00::25%lo 25 v6only=? pids=[..]": v6only shown only where ss shows it (the :: address). */
    private static String key(String proto, String addr, String device, int port, String v6only, Set<Long> pids) {
        return proto + " " + addr + (device == null ? "" : "%" + device) + " " + port
                + " v6only=" + ("::".equals(addr) ? v6only : "-") + " pids=" + pids;
    }

    private static List<String> expectedKeys(List<Helper> helpers, boolean asNobody) {
        List<String> keys = new ArrayList<>();
        for (Helper h : helpers) {
            Set<Long> visible = !asNobody || h.nobody() ? h.pids() : Set.of();
            for (Spec s : h.sockets()) {
                if (s.port() == 25) {
                    keys.add(key(s.proto(), s.addr(), s.device(), s.port(), String.valueOf(s.effectiveV6only()), visible));
                }
            }
        }
        return sorted(keys);
    }

    private static final Pattern PID = Pattern.compile("pid=(\\d+)");

    private static List<String> ssKeys(Netns ns, boolean asNobody) throws Exception {
        List<String> argv = List.of("ss", "-H", "-tulnp", "sport = :25");
        CommandResult r = new CommandRunner().run(
                Command.of(asNobody ? ns.insideAsNobody(argv) : ns.inside(argv)));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        List<String> keys = new ArrayList<>();
        for (String line : r.stdoutLines()) {
            String[] f = line.trim().split("\\s+");
            String local = f[4];
            int colon = local.lastIndexOf(':');
            String host = local.substring(0, colon);
            int port = Integer.parseInt(local.substring(colon + 1));
            int pct = host.indexOf('%');
            String device = null;
            if (pct >= 0) {
                device = host.substring(pct + 1);
                host = host.substring(0, pct);
            }
            String v6only = "false";
            if (host.equals("*")) {
                host = "::"; // ss prints '*' for a :: socket that also accepts IPv4
            } else if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
                v6only = "true"; // for '::', brackets mean IPV6_V6ONLY is on
            }
            Set<Long> pids = new TreeSet<>();
            Matcher m = PID.matcher(line);
            while (m.find()) {
                pids.add(Long.parseLong(m.group(1)));
            }
            keys.add(key(f[0], host, device, port, v6only, pids));
        }
        return sorted(keys);
    }

    private static List<String> agentKeys(JsonNode doc) {
        List<String> keys = new ArrayList<>();
        for (JsonNode l : doc.get("listeners")) {
            Set<Long> pids = new TreeSet<>();
            l.get("owners").forEach(o -> pids.add(o.get("pid").asLong()));
            keys.add(key(l.get("protocol").asText(), l.get("address").asText(),
                    l.get("interface").isNull() ? null : l.get("interface").asText(), l.get("port").asInt(),
                    l.get("v6only").asText(), pids));
        }
        return sorted(keys);
    }

    private JsonNode agent(Netns ns, boolean asNobody, String... args) throws Exception {
        List<String> argv = jar.argv(args);
        CommandResult r = new CommandRunner().run(
                Command.of(asNobody ? ns.insideAsNobody(argv) : ns.inside(argv)));
        assertThat(r.exitCode()).as("status exit code (CRITICAL): %s\n%s", r.describe(), r.stderr()).isEqualTo(2);
        return JSON.readTree(r.stdout());
    }
}
