package dev.port25.agent.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.port25.agent.smtp.MtaConfigGenerator.EximCase;
import dev.port25.agent.smtp.MtaConfigGenerator.MtaCase;
import dev.port25.agent.smtp.MtaConfigGenerator.OpenSmtpdCase;
import dev.port25.agent.smtp.MtaConfigGenerator.PostfixCase;
import dev.port25.agent.smtp.MtaConfigGenerator.Truth;
import dev.port25.agent.testing.AgentJar;
import dev.port25.agent.testing.TempDirs;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential fuzzing of {@code port25-agent probe} (the built jar, run in a peer namespace)
 * against real MTAs: servers from {@link MtaConfigGenerator} (a fixed seed and a bounded count
 * per run: {@code -Dp25.fuzz.seed}, {@code -Dp25.fuzz.cases} for a longer run by hand,
 * {@code -Dp25.fuzz.case=N} to replay one case of a seed) are started one at a time in a server
 * namespace and probed over IPv4 and IPv6 with a user list longer than their error limits. Each
 * verdict is compared with the truth the generator derives from the configuration, cross-checked
 * with the server's own log (Postfix's maillog, Exim's mainlog and rejectlog): who was refused as
 * unknown, that nothing was queued. Where the agent cannot know (RCPT at a domain the server
 * does not receive for) the verdict is counted as UNKNOWN apart. Any other difference fails the
 * run, and the case is written to {@code target/probe-fuzz-failures/}. Two workers, each with
 * its own pair of namespaces, share the cases.
 */
@Tag("netns")
class ProbeFuzzIT {

    static final long SEED = Long.getLong("p25.fuzz.seed", 20261202L);
    static final int CASES = Integer.getInteger("p25.fuzz.cases", 64);
    static final Integer ONLY = Integer.getInteger("p25.fuzz.case");
    static final boolean VERBOSE = Boolean.getBoolean("p25.fuzz.verbose");
    static final int WORKERS = Integer.getInteger("p25.fuzz.workers", 2);

    private static final Pattern POSTFIX_UNKNOWN = Pattern.compile(
            "(?:NOQUEUE|[0-9A-F]+): reject: RCPT from \\S+\\[([0-9a-f.:]+)\\]: 550 5\\.1\\.1 <([^@>]+)@([^>]+)>: Recipient address "
                    + "rejected: User unknown in local recipient table");
    private static final Pattern EXIM_UNROUTABLE = Pattern.compile(
            "rejected RCPT <([^@>]+)@([^>]+)>: Unrouteable address");

    /** What one case met: the two probe documents, the server's configuration and log, what differed. */
    record Outcome(MtaCase c, Map<String, JsonNode> docs, String config, String log, List<String> wrong,
                   int unknown, boolean errorLimitHit) {
    }

    @Test
    void theProbesVerdictsOnGeneratedServersAreWhatTheirConfigurationsSay() throws Exception {
        Prerequisites.require("ip", "postfix", "openssl", "ss", "unshare");
        MtaLabs.requireDebs(EximLab.debs(), "exim4");
        OpenSmtpdLab.require();
        long t0 = System.nanoTime();
        MtaConfigGenerator generator = new MtaConfigGenerator(SEED, names(Path.of("/etc/passwd"), ":"));
        List<MtaCase> cases = new ArrayList<>();
        for (int n = 0; n < CASES; n++) {
            cases.add(generator.next());
        }
        List<Integer> todo = new ArrayList<>();
        for (int n = 0; n < CASES; n++) {
            if (ONLY == null || ONLY == n) {
                todo.add(n);
            }
        }
        Map<Integer, Outcome> outcomes = new ConcurrentHashMap<>();
        Map<Integer, String> crashes = new ConcurrentHashMap<>();
        Path certs = Files.createTempDirectory("p25-fuzz-cert-");
        try (AgentJar jar = AgentJar.copy()) {
            new CommandRunner().run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                    "-subj", "/CN=mx.p25.test", "-keyout", certs.resolve("key.pem").toString(), "-out",
                    certs.resolve("cert.pem").toString());
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 2 * WORKERS);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < Math.min(WORKERS, todo.size()); w++) {
                    workers.add(pool.submit(() -> {
                        try (Netns server = Netns.create("pfz-s"); Netns peer = Netns.create("pfz-c")) {
                            Netns.link(server, MtaConfigGenerator.SERVER4 + "/24", MtaConfigGenerator.SERVER6 + "/64",
                                    peer, MtaConfigGenerator.PEER4 + "/24", MtaConfigGenerator.PEER6 + "/64");
                            for (int i; (i = next.getAndIncrement()) < todo.size(); ) {
                                int n = todo.get(i);
                                try {
                                    outcomes.put(n, run(server, peer, jar, certs, cases.get(n), pool));
                                } catch (Exception | AssertionError e) {
                                    crashes.put(n, e + "\n" + cases.get(n));
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : workers) {
                    f.get();
                }
            } finally {
                // every worker and probe ends (their namespaces closed) before the jar and the
                // certificate are deleted
                pool.shutdownNow();
                if (!pool.awaitTermination(5, TimeUnit.MINUTES)) {
                    throw new AssertionError("probe fuzz workers did not stop");
                }
            }
        } finally {
            TempDirs.deleteTree(certs);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        report(todo, cases, outcomes, crashes, seconds);
    }

    private static void report(List<Integer> todo, List<MtaCase> cases, Map<Integer, Outcome> outcomes,
                               Map<Integer, String> crashes, double seconds) throws IOException {
        Map<String, Integer> coverage = new TreeMap<>();
        Map<String, Integer> mtas = new TreeMap<>();
        int compared = 0;
        int unknown = 0;
        List<String> disagreements = new ArrayList<>();
        for (int n : todo) {
            MtaCase c = cases.get(n);
            mtas.merge(c.mta(), 1, Integer::sum);
            c.constructs().forEach(k -> coverage.merge(k, 1, Integer::sum));
            Outcome o = outcomes.get(n);
            if (o == null) {
                continue;
            }
            if (o.errorLimitHit()) {
                coverage.merge("error limit met (server log)", 1, Integer::sum);
            }
            compared += o.docs().size();
            unknown += o.unknown();
            if (!o.wrong().isEmpty()) {
                Path dir = record(n, o);
                disagreements.add("case " + n + " (" + dir + "):\n  " + String.join("\n  ", o.wrong()) + "\n" + c
                        + "\n" + o.config() + "\nlog:\n" + o.log() + "\nprobes:\n" + o.docs());
            }
        }
        System.out.printf(Locale.ROOT, "probe fuzz: seed %d, %d cases generated %s, %d probes compared (ipv4 and "
                        + "ipv6), %d cases with disagreements, %d cases that did not run, %d UNKNOWN (%.1f %%), %.0f s%n",
                SEED, todo.size(), mtas, compared, disagreements.size(), crashes.size(), unknown,
                compared == 0 ? 0.0 : 100.0 * unknown / compared, seconds);
        System.out.println("probe fuzz coverage: " + coverage);
        crashes.forEach((n, e) -> System.out.println("did not run: case " + n + ": " + e));
        disagreements.forEach(d -> System.out.println("disagreement: " + d));
        assertThat(crashes).as("every generated case ran (the lab started it, the probe printed its document)").isEmpty();
        assertThat(compared).isPositive();
        assertThat(disagreements).as("probe verdicts that differ from the servers' configurations and logs").isEmpty();
    }

    /** Starts the case's server, probes it over both families at once, compares. */
    private static Outcome run(Netns server, Netns peer, AgentJar jar, Path certs, MtaCase c, ExecutorService pool)
            throws Exception {
        Path dir = Files.createTempDirectory("p25-fuzz-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try {
            Map<String, JsonNode> docs = new TreeMap<>();
            String config;
            String log;
            try (Instance lab = start(server, c, dir, certs)) {
                CompletableFuture<JsonNode> v4 = CompletableFuture.supplyAsync(() -> probe(jar, peer, c,
                        MtaConfigGenerator.SERVER4), pool);
                CompletableFuture<JsonNode> v6 = CompletableFuture.supplyAsync(() -> probe(jar, peer, c,
                        MtaConfigGenerator.SERVER6), pool);
                try {
                    docs.put("ipv4", v4.join());
                } finally {
                    docs.put("ipv6", v6.join()); // both probes end before the server does
                }
                config = lab.config();
                log = lab.log();
            }
            List<String> wrong = new ArrayList<>();
            int unknown = 0;
            for (Map.Entry<String, JsonNode> e : docs.entrySet()) {
                Truth t = c.truth(e.getKey().equals("ipv6"));
                compare(e.getKey(), t, e.getValue(), wrong);
                if (!t.rcptKnowable()) {
                    unknown++;
                }
            }
            crossCheck(c, log, wrong);
            if (VERBOSE) {
                System.out.println("case: " + c + "\n" + docs);
            }
            return new Outcome(c, docs, config, log, wrong, unknown,
                    log.contains("too many errors") || log.contains("too many nonmail commands"));
        } finally {
            TempDirs.deleteTree(dir);
        }
    }

    private static JsonNode probe(AgentJar jar, Netns peer, MtaCase c, String target) {
        List<String> args = new ArrayList<>(List.of("probe", target, "--json", "--users", String.join(",", c.users())));
        c.domain().ifPresent(d -> args.addAll(List.of("--domain", d)));
        try {
            return jar.json(peer, args.toArray(String[]::new));
        } catch (Exception e) {
            throw new IllegalStateException("probe " + args + ": " + e, e);
        }
    }

    /** A running MTA of the lab's, whichever kind. */
    private interface Instance extends AutoCloseable {
        String config() throws IOException;

        String log() throws IOException;
    }

    private static Instance start(Netns server, MtaCase c, Path dir, Path certs) throws Exception {
        String both = MtaConfigGenerator.SERVER4 + ", [" + MtaConfigGenerator.SERVER6 + "]";
        if (c instanceof PostfixCase p) {
            PostfixLab lab = PostfixLab.start(server, both,
                    p.overrides(dir, certs.resolve("cert.pem"), certs.resolve("key.pem")));
            return instance(lab, lab::config, lab::log);
        }
        if (c instanceof EximCase e) {
            EximLab lab = EximLab.start(server, List.of(MtaConfigGenerator.SERVER4, MtaConfigGenerator.SERVER6), e::edit);
            return instance(lab, lab::config, lab::log);
        }
        OpenSmtpdCase o = (OpenSmtpdCase) c;
        OpenSmtpdLab lab = OpenSmtpdLab.start(server, MtaConfigGenerator.SERVER4, MtaConfigGenerator.SERVER6,
                o.hostname(), o.mailDomain(), o.local());
        return instance(lab, lab::config, () -> "(OpenSMTPD logs to its stderr only; not read)");
    }

    private interface Text {
        String get() throws IOException;
    }

    private static Instance instance(AutoCloseable lab, Text config, Text log) {
        return new Instance() {
            @Override
            public String config() throws IOException {
                return config.get();
            }

            @Override
            public String log() throws IOException {
                return log.get();
            }

            @Override
            public void close() throws Exception {
                lab.close();
            }
        };
    }

    /** The probe's document against the truth; each difference is one line in {@code wrong}. */
    static void compare(String family, Truth t, JsonNode doc, List<String> wrong) {
        String f = family + ": ";
        expect(wrong, f + "error", "null", doc.get("error").isNull() ? "null" : doc.get("error").asText());
        expect(wrong, f + "openRelay", t.openRelay(), doc.get("openRelay").asBoolean());
        expect(wrong, f + "relay forms tried", 13, doc.get("relayAttempts").size());
        expect(wrong, f + "vrfy", t.vrfy().name(), doc.get("vrfy").asText());
        expect(wrong, f + "expn", t.expn().name(), doc.get("expn").asText());
        expect(wrong, f + "rcpt", t.rcpt().name(), doc.get("rcpt").asText());
        expect(wrong, f + "rcptDomain", t.rcptDomain().orElse("null"), doc.get("rcptDomain").isNull() ? "null"
                : doc.get("rcptDomain").asText());
        if (!t.rcptKnowable() && !doc.get("notes").toString().contains("pass --domain")) {
            wrong.add(f + "RCPT cannot be judged here, and no note says what to pass: " + doc.get("notes"));
        }
        Set<String> told = strings(doc.get("enumerableUsers"));
        expect(wrong, f + "enumerableUsers", new TreeSet<>(t.enumerable()), new TreeSet<>(told));
        // a user is unanswered only where the server answers nobody at the domain (RCPT, not judged)
        for (String u : strings(doc.get("unansweredUsers"))) {
            if (t.rcptKnowable() || !u.startsWith("RCPT ")) {
                wrong.add(f + "unanswered, though the server answers every question in a fresh session: " + u);
            }
        }
        expect(wrong, f + "starttlsOffered", t.starttls(), doc.get("starttlsOffered").asBoolean());
        if (t.starttls()) {
            expect(wrong, f + "tls.error", "null", doc.at("/tls/error").isNull() ? "null" : doc.at("/tls/error").asText());
        }
        expect(wrong, f + "authBeforeTls", t.authBeforeTls(), doc.get("authBeforeTls").asBoolean());
        expect(wrong, f + "AUTH after STARTTLS", t.authAfterTls(), !doc.get("authMechanismsAfterTls").isEmpty());
        expect(wrong, f + "bannerLeaksSoftware", t.bannerLeaks(), doc.get("bannerLeaksSoftware").asBoolean());
        Set<String> findings = new TreeSet<>();
        doc.get("findings").forEach(x -> findings.add(x.get("name").asText()));
        Set<String> expected = expectedFindings(t);
        expect(wrong, f + "findings", expected, findings);
        int exit = expected.contains("OPEN_RELAY") ? 2 : expected.stream().anyMatch(x -> !x.equals(
                "BANNER_LEAKS_SOFTWARE")) ? 1 : 0;
        expect(wrong, f + "exitCode", exit, doc.get("exitCode").asInt());
        if (doc.get("transcript").toString().contains("C: DATA")) {
            wrong.add(f + "the probe sent DATA");
        }
    }

    /** The findings the truth implies (each server's certificate is self-signed: WEAK_TLS with STARTTLS). */
    static Set<String> expectedFindings(Truth t) {
        Set<String> s = new TreeSet<>();
        if (t.openRelay()) {
            s.add("OPEN_RELAY");
        }
        if (!t.enumerable().isEmpty()) {
            s.add("USER_ENUMERATION");
        }
        if (t.vrfy() == SmtpProbeResult.Answer.DISCLOSES) {
            s.add("VRFY_DISCLOSES");
        }
        s.add(t.starttls() ? "WEAK_TLS" : "NO_STARTTLS");
        if (t.authBeforeTls()) {
            s.add("AUTH_BEFORE_TLS");
        }
        if (t.bannerLeaks()) {
            s.add("BANNER_LEAKS_SOFTWARE");
        }
        return s;
    }

    /**
     * The server's own log against the truth: nothing queued or delivered; every user it refused
     * as unknown is one the configuration does not hold; every absent user asked at a local domain
     * was refused (Postfix, each family).
     */
    static void crossCheck(MtaCase c, String log, List<String> wrong) {
        for (String line : log.split("\n")) {
            if (line.contains("status=") || line.contains("message-id=") || line.contains("<= ")) {
                wrong.add("log: a message was queued or delivered: " + line);
            }
        }
        if (c instanceof PostfixCase p) {
            Set<String> refused4 = new LinkedHashSet<>();
            Set<String> refused6 = new LinkedHashSet<>();
            Matcher m = POSTFIX_UNKNOWN.matcher(log);
            while (m.find()) {
                (m.group(1).contains(":") ? refused6 : refused4).add(m.group(2));
                if (p.exists(m.group(2))) {
                    wrong.add("log: Postfix refused " + m.group(2) + " as unknown, the oracle says it exists: "
                            + m.group());
                }
            }
            for (boolean v6 : List.of(false, true)) {
                if (p.truth(v6).rcpt() != SmtpProbeResult.Answer.DISCLOSES) {
                    continue;
                }
                for (String u : p.users()) {
                    if (!p.exists(u) && !(v6 ? refused6 : refused4).contains(u)) {
                        wrong.add("log: the oracle says " + u + " is absent, Postfix never refused it over "
                                + (v6 ? "IPv6" : "IPv4"));
                    }
                }
            }
        } else if (c instanceof EximCase e) {
            Matcher m = EXIM_UNROUTABLE.matcher(log);
            while (m.find()) {
                if (e.routable().contains(m.group(1)) || m.group(1).equals("postmaster")) {
                    wrong.add("log: Exim refused " + m.group(1) + " as unrouteable, the oracle says it exists: "
                            + m.group());
                }
            }
        }
    }

    private static void expect(List<String> wrong, String what, Object expected, Object actual) {
        if (!expected.equals(actual)) {
            wrong.add(what + ": expected " + expected + ", probe said " + actual);
        }
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new LinkedHashSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The first field of each line that is not a comment: account names, alias names. */
    private static Set<String> names(Path file, String separator) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank() && !line.startsWith("#") && line.contains(separator)) {
                    out.add(line.substring(0, line.indexOf(separator)).strip());
                }
            }
        }
        return out;
    }

    private static Path record(int n, Outcome o) throws IOException {
        Path dir = Path.of("target", "probe-fuzz-failures", "probe-fuzz-" + SEED + "-" + n);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("case.txt"), "Found by ProbeFuzzIT (seed " + SEED + ", case " + n + ") on "
                + LocalDate.now() + ". Replay: ./mvnw -B verify -pl agent -am -Dit.test=ProbeFuzzIT "
                + "-Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false "
                + "-Dp25.fuzz.seed=" + SEED + " -Dp25.fuzz.cases=" + CASES + " -Dp25.fuzz.case=" + n + "\n\n"
                + o.c() + "\n\nasked: --users " + String.join(",", o.c().users())
                + o.c().domain().map(d -> " --domain " + d).orElse("") + "\n\ntruth ipv4: " + o.c().truth(false)
                + "\ntruth ipv6: " + o.c().truth(true) + "\n\ndisagreements:\n" + String.join("\n", o.wrong()) + "\n");
        Files.writeString(dir.resolve("server.conf"), o.config());
        Files.writeString(dir.resolve("server.log"), o.log());
        for (Map.Entry<String, JsonNode> e : o.docs().entrySet()) {
            Files.writeString(dir.resolve("probe-" + e.getKey() + ".json"), e.getValue().toPrettyString());
        }
        return dir.toAbsolutePath();
    }
}
