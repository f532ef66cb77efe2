package dev.port25.firewall.eval;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.PacketLab;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential fuzzing of the verdicts: rulesets from {@link RulesetGenerator} (a fixed seed and
 * a bounded count per run: {@code -Dp25.fuzz.seed}, {@code -Dp25.fuzz.cases} for a longer run by
 * hand) are loaded with the real tools into the server namespace of a {@link PacketLab}, whose
 * dual-stack listener is on [::]:25; for four sources per family the agent's verdict (the
 * evaluation of what {@link PacketFilterReader} read) is compared with what the peer's real
 * connection from that source meets. UNKNOWN is allowed and counted apart; any other difference
 * fails the run, and the case is written to {@code target/fuzz-failures/} in the folder format
 * {@link PacketFilterCasesTest} replays, with the ruleset that made it, to become a recorded
 * regression case.
 */
@Tag("netns")
class VerdictFuzzIT {

    static final long SEED = Long.getLong("p25.fuzz.seed", 20261202L);
    static final int CASES = Integer.getInteger("p25.fuzz.cases", 60);

    /** Connects from every source to the server at once; prints "source outcome" per line. */
    private static final String PROBE_ALL = """
            import socket, sys, threading
            out = {}
            def probe(src):
                fam = socket.AF_INET6 if ':' in src else socket.AF_INET
                dst = 'fd00:25::1' if ':' in src else '198.18.25.1'
                s = socket.socket(fam, socket.SOCK_STREAM)
                s.settimeout(2.5)
                try:
                    s.bind((src, 0)); s.connect((dst, 25)); out[src] = 'open'
                except ConnectionRefusedError: out[src] = 'refused'
                except (socket.timeout, TimeoutError): out[src] = 'timeout'
                except PermissionError: out[src] = 'denied'
                except OSError: out[src] = 'unreachable'
                finally: s.close()
            ts = [threading.Thread(target=probe, args=(a,)) for a in sys.argv[1:]]
            [t.start() for t in ts]; [t.join() for t in ts]
            for a in sys.argv[1:]: print(a, out[a])
            """;

    @Test
    void theAgentsVerdictOnGeneratedRulesetsIsWhatThePeersConnectionsMeet() throws Exception {
        Prerequisites.require("ip", "nft", "iptables-nft", "iptables-legacy", "conntrack", PacketLab.PYTHON);
        List<String> sources = new ArrayList<>(RulesetGenerator.SOURCES4);
        sources.addAll(RulesetGenerator.SOURCES6);
        RulesetGenerator generator = new RulesetGenerator(SEED);
        int generated = 0;
        int refused = 0;
        int compared = 0;
        int unknown = 0;
        int blockedOnly = 0;
        List<String> refusals = new ArrayList<>();
        List<String> disagreements = new ArrayList<>();
        try (PacketLab lab = PacketLab.start("fuzz")) {
            for (String s : sources) {
                if (!s.equals(PacketLab.PEER4) && !s.equals(PacketLab.PEER6)) {
                    if (s.contains(":")) {
                        lab.peer().ok("ip", "-6", "addr", "add", s + "/64", "dev", "p25b", "nodad");
                    } else {
                        lab.peer().ok("ip", "addr", "add", s + "/24", "dev", "p25b");
                    }
                }
            }
            // fixed neighbours: a ruleset that drops everything also drops ARP replies' IPv6 twin,
            // neighbour discovery, and the FAILED entry it leaves would make the next case's
            // connections "unreachable" whatever that case's rules say
            String serverMac = mac(lab, true);
            String peerMac = mac(lab, false);
            for (String s : sources) {
                lab.server().ok("ip", "neigh", "replace", s, "lladdr", peerMac, "dev", "p25a", "nud", "permanent");
            }
            for (String s : List.of(PacketLab.SERVER4, PacketLab.SERVER6)) {
                lab.peer().ok("ip", "neigh", "replace", s, "lladdr", serverMac, "dev", "p25b", "nud", "permanent");
            }
            CommandRunner server = CommandRunner.inNetworkNamespace(lab.server().name());
            PacketFilterReader reader = new PacketFilterReader(server);
            String iface = reader.routeDevice(InetAddress.getByName(PacketLab.PEER4)).orElseThrow();
            for (int n = 0; n < CASES; n++) {
                RulesetGenerator.Ruleset rs = generator.next();
                generated++;
                reset(server);
                Optional<String> why = load(lab, rs);
                if (why.isPresent()) {
                    refused++;
                    if (refusals.size() < 5) {
                        refusals.add(why.get() + "\n" + rs);
                    }
                    continue;
                }
                PacketFilterReader.Snapshot snapshot = reader.snapshot(Optional.empty());
                PacketFilter filter = PacketFilterReader.build(snapshot);
                assertThat(filter.unread()).as("every layer read").isEmpty();
                Map<String, Verdict> met = probeAll(lab, sources);
                if (Boolean.getBoolean("p25.fuzz.verbose")) {
                    System.out.println("case " + n + ": " + met + "\n" + rs);
                }
                List<String> expected = new ArrayList<>();
                List<String> wrong = new ArrayList<>();
                for (String s : sources) {
                    Decision d = filter.decide(new Packet(InetAddress.getByName(s), Optional.of(iface), 25));
                    Verdict seen = met.get(s);
                    String family = s.contains(":") ? "ipv6" : "ipv4";
                    expected.add(family + " from " + s + " via " + iface + ": " + seen);
                    compared++;
                    boolean kindUnknown = d.notes().stream().anyMatch(x -> x.startsWith(PacketFilter.ORDER_UNKNOWN));
                    if (d.verdict() == Verdict.UNKNOWN) {
                        unknown++;
                    } else if (kindUnknown) {
                        // the agent says "blocked, DROP or REJECT": only that is compared
                        blockedOnly++;
                        if (!seen.blocks()) {
                            wrong.add(s + ": agent " + d + ", peer met " + seen);
                        }
                    } else if (d.verdict() != seen) {
                        wrong.add(s + ": agent " + d + ", peer met " + seen);
                    }
                }
                if (!wrong.isEmpty()) {
                    Path dir = record(n, rs, snapshot, expected);
                    disagreements.add("case " + n + " (" + dir + "):\n  " + String.join("\n  ", wrong) + "\n" + rs);
                }
            }
        }
        System.out.printf(Locale.ROOT, "verdict fuzz: seed %d, %d rulesets generated, %d refused by the tools, %d "
                        + "verdicts compared, %d cases with disagreements, %d UNKNOWN (%.1f %%), %d blocks of unknown "
                        + "kind (legacy and nf_tables chains at one priority: compared as blocked)%n", SEED, generated,
                refused, compared, disagreements.size(), unknown, compared == 0 ? 0.0 : 100.0 * unknown / compared,
                blockedOnly);
        refusals.forEach(r -> System.out.println("refused: " + r));
        disagreements.forEach(d -> System.out.println("disagreement: " + d));
        assertThat(refused).as("the generator writes valid rulesets: " + refusals).isLessThanOrEqualTo(CASES / 10);
        assertThat(compared).isPositive();
        assertThat(disagreements).as("verdicts that differ from the peer's connections").isEmpty();
    }

    private static String mac(PacketLab lab, boolean server) throws Exception {
        String out = (server ? lab.server() : lab.peer()).ok("ip", "-br", "link", "show", "dev",
                server ? "p25a" : "p25b").stdout();
        return out.strip().split("\\s+")[2];
    }

    /**
     * Every nft table gone (iptables-nft's too), the legacy filter tables emptied where they
     * exist, and the connection tracking table emptied: a connection an earlier case cut off
     * half-way stays tracked as established, and a later probe whose source port repeats it
     * would match that case's "ct state established" rules instead of being new.
     */
    private static void reset(CommandRunner server) throws Exception {
        ok(server.run("nft", "flush", "ruleset"));
        CommandResult ct = server.run("conntrack", "-F");
        assertThat(ct.ok() || ct.stderr().contains("0 flow entries")).as(ct.describe()).isTrue();
        for (IpFamily f : IpFamily.values()) {
            if (!LegacyTables.names(server, f).orElse(Set.of()).isEmpty()) {
                ok(server.run(new Command(List.of(f == IpFamily.IPV6 ? "ip6tables-legacy-restore"
                        : "iptables-legacy-restore"), Duration.ofSeconds(30), Map.of(),
                        "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
                                .getBytes(StandardCharsets.UTF_8))));
            }
        }
    }

    /** Loads the ruleset; why a tool refused it, if one did. */
    private static Optional<String> load(PacketLab lab, RulesetGenerator.Ruleset rs) throws Exception {
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

    private static Map<String, Verdict> probeAll(PacketLab lab, List<String> sources) throws Exception {
        List<String> argv = new ArrayList<>(List.of(PacketLab.PYTHON, "-c", PROBE_ALL));
        argv.addAll(sources);
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
        assertThat(out.keySet()).containsExactlyElementsOf(sources);
        return out;
    }

    private static Path record(int n, RulesetGenerator.Ruleset rs, PacketFilterReader.Snapshot snapshot,
                               List<String> expected) throws Exception {
        Path dir = Path.of("target", "fuzz-failures", "fuzz-" + SEED + "-" + n);
        Files.createDirectories(dir);
        for (Map.Entry<String, String> e : snapshot.outputs().entrySet()) {
            Files.writeString(dir.resolve(e.getKey()), e.getValue());
        }
        Files.writeString(dir.resolve("expected.txt"), String.join("\n", expected) + "\n");
        Files.writeString(dir.resolve("source.txt"), "Found by VerdictFuzzIT (seed " + SEED + ", case " + n
                + ") on " + java.time.LocalDate.now() + "; the peer's connections met what expected.txt says.\n"
                + "The ruleset, as loaded:\n" + rs);
        return dir.toAbsolutePath();
    }

    private static void ok(CommandResult r) {
        assertThat(r.ok()).as(r.describe()).isTrue();
    }
}
