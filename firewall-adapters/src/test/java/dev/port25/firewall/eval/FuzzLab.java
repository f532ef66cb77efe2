package dev.port25.firewall.eval;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.IpFamily;
import dev.port25.firewall.testing.PacketLab;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the differential fuzzers share: a {@link PacketLab} whose peer holds every source of
 * {@link RulesetGenerator} (four per family) with fixed neighbour entries on both sides, the
 * peer's connections from all of them at once, the emptying of every packet-filter layer between
 * cases, and the comparison of the agent's verdicts with what the connections met.
 */
final class FuzzLab implements AutoCloseable {

    /** Every source, IPv4 first. */
    static final List<String> SOURCES;

    static {
        List<String> all = new ArrayList<>(RulesetGenerator.SOURCES4);
        all.addAll(RulesetGenerator.SOURCES6);
        SOURCES = List.copyOf(all);
    }

    /**
     * Connects from every source to the server at once and waits for the listener's greeting;
     * prints "source outcome" per line. A connection that opens and carries nothing (its packets
     * after the handshake blocked) times out waiting, or is reset.
     */
    private static final String PROBE_ALL = """
            import socket, sys, threading
            out = {}
            def probe(src):
                fam = socket.AF_INET6 if ':' in src else socket.AF_INET
                dst = 'fd00:25::1' if ':' in src else '198.18.25.1'
                s = socket.socket(fam, socket.SOCK_STREAM)
                s.settimeout(1.5)
                try:
                    s.bind((src, 0)); s.connect((dst, 25))
                    s.recv(64); out[src] = 'open'  # the greeting, or the close: packets passed after the handshake
                except (ConnectionRefusedError, ConnectionResetError): out[src] = 'refused'
                except (socket.timeout, TimeoutError): out[src] = 'timeout'
                except PermissionError: out[src] = 'denied'
                except OSError: out[src] = 'unreachable'
                finally: s.close()
            ts = [threading.Thread(target=probe, args=(a,)) for a in sys.argv[1:]]
            [t.start() for t in ts]; [t.join() for t in ts]
            for a in sys.argv[1:]: print(a, out[a])
            """;

    private final PacketLab lab;
    private final CommandRunner server;
    private final String iface;

    private FuzzLab(PacketLab lab) throws Exception {
        this.lab = lab;
        this.server = CommandRunner.inNetworkNamespace(lab.server().name());
        for (String s : SOURCES) {
            if (!s.equals(PacketLab.PEER4) && !s.equals(PacketLab.PEER6)) {
                if (s.contains(":")) {
                    lab.peer().ok("ip", "-6", "addr", "add", s + "/64", "dev", "p25b", "nodad");
                } else {
                    lab.peer().ok("ip", "addr", "add", s + "/24", "dev", "p25b");
                }
            }
        }
        // fixed neighbours: a ruleset that drops everything also drops neighbour discovery, and
        // the FAILED entry it leaves would make the next case's connections "unreachable"
        // whatever that case's rules say
        String serverMac = mac(true);
        String peerMac = mac(false);
        for (String s : SOURCES) {
            lab.server().ok("ip", "neigh", "replace", s, "lladdr", peerMac, "dev", "p25a", "nud", "permanent");
        }
        for (String s : List.of(PacketLab.SERVER4, PacketLab.SERVER6)) {
            lab.peer().ok("ip", "neigh", "replace", s, "lladdr", serverMac, "dev", "p25b", "nud", "permanent");
        }
        this.iface = new PacketFilterReader(server).routeDevice(InetAddress.getByName(PacketLab.PEER4)).orElseThrow();
    }

    static FuzzLab start(String tag) throws Exception {
        return start(tag, PacketLab.Listener.DUAL_STACK);
    }

    static FuzzLab start(String tag, PacketLab.Listener listening) throws Exception {
        PacketLab lab = PacketLab.start(tag, listening);
        try {
            return new FuzzLab(lab);
        } catch (Exception | AssertionError e) {
            lab.close();
            throw e;
        }
    }

    PacketLab packets() {
        return lab;
    }

    /** Commands in the server namespace. */
    CommandRunner server() {
        return server;
    }

    private String mac(boolean ofServer) throws Exception {
        String out = (ofServer ? lab.server() : lab.peer()).ok("ip", "-br", "link", "show", "dev",
                ofServer ? "p25a" : "p25b").stdout();
        return out.strip().split("\\s+")[2];
    }

    /**
     * Every nft table gone (iptables-nft's too), the legacy filter tables emptied where they
     * exist, and the connection tracking table emptied.
     */
    void reset() throws Exception {
        ok(server.run("nft", "flush", "ruleset"));
        forgetConnections();
        for (IpFamily f : IpFamily.values()) {
            if (!LegacyTables.names(server, f).orElse(Set.of()).isEmpty()) {
                ok(server.run(new Command(List.of(f == IpFamily.IPV6 ? "ip6tables-legacy-restore"
                        : "iptables-legacy-restore"), Duration.ofSeconds(30), Map.of(),
                        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
                                .getBytes(StandardCharsets.UTF_8))));
            }
        }
    }

    /**
     * Empties the connection tracking table: a connection an earlier round cut off half-way stays
     * tracked as established, and a later connection whose source port repeats it would match
     * "ct state established" rules instead of being new.
     */
    private void forgetConnections() throws Exception {
        CommandResult ct = server.run("conntrack", "-F");
        assertThat(ct.ok() || ct.stderr().contains("0 flow entries")).as(ct.describe()).isTrue();
    }

    /** Loads the ruleset with the real tools; why a tool refused it, if one did. */
    Optional<String> load(RulesetGenerator.Ruleset rs) throws Exception {
        Map<String, String> scripts = new LinkedHashMap<>();
        scripts.put("nft -f", rs.nft());
        scripts.put("iptables-nft-restore", rs.nft4());
        scripts.put("ip6tables-nft-restore", rs.nft6());
        scripts.put("iptables-legacy-restore", rs.legacy4());
        scripts.put("ip6tables-legacy-restore", rs.legacy6());
        for (Map.Entry<String, String> e : scripts.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            Path f = Files.createTempFile("p25-fuzz-", ".rules");
            try {
                Files.writeString(f, e.getValue());
                List<String> argv = new ArrayList<>(List.of(e.getKey().split(" ")));
                argv.add(f.toString());
                CommandResult r = lab.server().run(argv, Duration.ofSeconds(30));
                if (!r.ok()) {
                    return Optional.of(r.describe());
                }
            } finally {
                Files.delete(f);
            }
        }
        return Optional.empty();
    }

    /** What a new connection from each source to port 25 meets now, the tracking table emptied first. */
    Map<String, Verdict> connectFromAll() throws Exception {
        forgetConnections();
        List<String> argv = new ArrayList<>(List.of(PacketLab.PYTHON, "-c", PROBE_ALL));
        argv.addAll(SOURCES);
        CommandResult r = lab.peer().run(argv, Duration.ofSeconds(30));
        assertThat(r.ok()).as(r.describe()).isTrue();
        Map<String, Verdict> out = new LinkedHashMap<>();
        for (String line : r.stdoutLines()) {
            String[] w = line.split(" ");
            out.put(w[0], switch (w[1]) {
                case "open" -> Verdict.ACCEPT;
                case "timeout" -> Verdict.DROP;
                // ICMPv6 administratively prohibited reaches connect() as EACCES ("denied"); the peer has no rules
                case "refused", "unreachable", "denied" -> Verdict.REJECT;
                default -> throw new AssertionError("the peer's probe said " + line);
            });
        }
        assertThat(out.keySet()).containsExactlyElementsOf(SOURCES);
        return out;
    }

    /** The agent's decision for a new connection from {@code source} to port 25. */
    Decision decide(PacketFilter filter, String source) throws Exception {
        return filter.decide(new Packet(InetAddress.getByName(source), Optional.of(iface), 25));
    }

    /** "ipv4 from SOURCE via IFACE: VERDICT" lines, the expected.txt of a recorded case. */
    List<String> expected(Map<String, Verdict> met) {
        List<String> lines = new ArrayList<>();
        met.forEach((s, v) -> lines.add((s.contains(":") ? "ipv6" : "ipv4") + " from " + s + " via " + iface + ": " + v));
        return lines;
    }

    /**
     * Counts over a run: verdicts compared, UNKNOWN, blocks compared only as blocked, blocks
     * decided after the handshake (by the packets after the SYN).
     */
    static final class Tally {
        int compared;
        int unknown;
        int blockedOnly;
        int afterHandshake;

        /**
         * Compares the agent's verdict for every source with what its connection met; the
         * disagreements, one line each. UNKNOWN is counted apart; where the kind of block is
         * unknown (legacy and nf_tables chains at one priority) only "blocked" is compared.
         */
        List<String> compare(FuzzLab lab, PacketFilter filter, Map<String, Verdict> met) throws Exception {
            List<String> wrong = new ArrayList<>();
            for (Map.Entry<String, Verdict> e : met.entrySet()) {
                Decision d = lab.decide(filter, e.getKey());
                Verdict seen = e.getValue();
                compared++;
                afterHandshake += d.notes().stream().anyMatch(n -> n.contains("the connection opens and carries nothing"))
                        ? 1 : 0;
                boolean kindUnknown = d.notes().stream().anyMatch(x -> x.startsWith(PacketFilter.ORDER_UNKNOWN));
                if (d.verdict() == Verdict.UNKNOWN) {
                    unknown++;
                } else if (kindUnknown) {
                    blockedOnly++;
                    if (!seen.blocks()) {
                        wrong.add(e.getKey() + ": agent " + d + ", peer met " + seen);
                    }
                } else if (d.verdict() != seen) {
                    wrong.add(e.getKey() + ": agent " + d + ", peer met " + seen);
                }
            }
            return wrong;
        }

        double unknownShare() {
            return compared == 0 ? 0.0 : 100.0 * unknown / compared;
        }
    }

    /**
     * Writes a failing case to {@code target/fuzz-failures/NAME} in the folder format
     * {@link PacketFilterCasesTest} replays: the tools' outputs, {@code expected.txt} with what the
     * peer met, {@code source.txt} with what made the ruleset.
     */
    static Path record(String name, String origin, String ruleset, PacketFilterReader.Snapshot snapshot,
                       List<String> expected) throws Exception {
        Path dir = Path.of("target", "fuzz-failures", name);
        Files.createDirectories(dir);
        for (Map.Entry<String, String> e : snapshot.outputs().entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue());
        }
        Files.writeString(dir.resolve("expected.txt"), String.join("\n", expected) + "\n");
        Files.writeString(dir.resolve("source.txt"), origin + " on " + LocalDate.now()
                + "; the peer's connections met what expected.txt says.\nThe ruleset, as made:\n" + ruleset);
        return dir.toAbsolutePath();
    }

    static void ok(CommandResult r) {
        assertThat(r.ok()).as(r.describe()).isTrue();
    }

    @Override
    public void close() {
        lab.close();
    }
}
