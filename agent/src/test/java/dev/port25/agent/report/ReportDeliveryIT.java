package dev.port25.agent.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.agent.testing.AgentJar;
import dev.port25.agent.testing.TempDirs;
import dev.port25.agent.testing.TestCa;
import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code report --send} (the built jar) against a real HTTPS endpoint, the JDK's HTTPS server
 * ({@link ReportCollector}), both in the test's namespace: delivery with the bearer token and
 * Idempotency-Key; the endpoint down, then answering 503, then too slowly, then slowly but in
 * time, and every report arriving in order, duplicates only as the same report under the same
 * key; a report refused for good moved aside; a token file others can read refused; mutual TLS.
 */
@Tag("netns")
class ReportDeliveryIT {

    private static final String ADDR = "198.18.54.1";
    private static final CommandRunner RUNNER = new CommandRunner();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SPOOLED = Pattern.compile("report ([0-9a-f-]{36}) \\(");

    private static Netns ns;
    private static AgentJar jar;
    private static Path work;
    private static BackgroundProcess collector;
    /** The current test's endpoint folder: behaviour, log, received. */
    private static Path endpoint;

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.require("ip", "openssl");
        work = Files.createTempDirectory("p25-report-");
        ns = Netns.create("report");
        ns.ok("ip", "addr", "add", ADDR + "/32", "dev", "lo");
        certificates();
        Path token = Files.writeString(work.resolve("token"), "s3cret-token\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        jar = AgentJar.copy();
    }

    @AfterAll
    static void stop() throws Exception {
        if (jar != null) {
            jar.close();
        }
        if (ns != null) {
            ns.close();
        }
        if (work != null) {
            TempDirs.deleteTree(work);
        }
    }

    private static String at(String file) {
        return work.resolve(file).toString();
    }

    /** A CA; the endpoint's certificate for its address; a client certificate; the stores the endpoint needs. */
    private static void certificates() throws Exception {
        TestCa ca = TestCa.create(work);
        ca.issue("server", "subjectAltName=IP:" + ADDR, "extendedKeyUsage=serverAuth");
        ca.issue("client.p25.test", "extendedKeyUsage=clientAuth");
        ca.keyStore("server");
        ca.trustStore();
    }

    /** (Re)starts the endpoint; with {@code mtls} it asks for a client certificate from the CA. */
    private static void collector(boolean mtls) throws Exception {
        if (collector != null) {
            collector.stop();
        }
        collector = ns.spawn(ns.inside(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ReportCollector.class.getName(), ADDR, "8443",
                at("server.p12"), mtls ? at("ca.p12") : "-", endpoint.toString())));
        assertThat(collector.readLine(Duration.ofSeconds(30))).as("collector: %s", collector.stderrIfEnded())
                .hasValue("listening");
    }

    private static void collectorDown() {
        collector.stop();
        collector = null;
    }

    private static void behaviour(String b) throws Exception {
        Files.createDirectories(endpoint);
        Files.writeString(endpoint.resolve("behaviour"), b);
    }

    private static Path settings(String extra) throws Exception {
        Path p = work.resolve("agent.yml");
        Files.writeString(p, "report:\n  endpoint: https://" + ADDR + ":8443/api/reports\n  tokenFile: " + at("token")
                + "\n  caBundle: " + at("ca.pem") + "\n  timeoutSeconds: 2\n" + extra);
        return p;
    }

    private static CommandResult send(Path settings) throws Exception {
        return send(settings, "state");
    }

    /** {@code report --send} in the namespace, with the state in {@code state} under the test's folder. */
    private static CommandResult send(Path settings, String state) throws Exception {
        List<String> argv = new ArrayList<>(ns.inside(List.of()));
        argv.addAll(jar.argv("report", "--send", "--config", settings.toString(), "--state-dir", at(state)));
        CommandResult r = RUNNER.run(Command.of(argv).withTimeout(Duration.ofSeconds(120)));
        System.out.printf("report --send: %d ms, exit %d%n%s", r.elapsed().toMillis(), r.exitCode(), r.stdout());
        return r;
    }

    private static String spooledId(CommandResult r) {
        Matcher m = SPOOLED.matcher(r.stdout());
        assertThat(m.find()).as(r.describe()).isTrue();
        return m.group(1);
    }

    /** The endpoint's log: "status key authorization subject" per request. */
    private static List<String[]> log() throws Exception {
        Path log = endpoint.resolve("log");
        List<String[]> out = new ArrayList<>();
        if (Files.exists(log)) {
            Files.readAllLines(log).forEach(l -> out.add(l.split(" ")));
        }
        return out;
    }

    /** Bodies received with 2xx, by key in the order first received, each key's bodies all equal. */
    private static Map<String, JsonNode> received() throws Exception {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        try (var files = Files.list(endpoint.resolve("received"))) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                String key = name.substring(name.length() - ".json".length() - 36, name.length() - ".json".length());
                JsonNode doc = JSON.readTree(f.toFile());
                assertThat(doc.get("id").asText()).as("the key is the report's id").isEqualTo(key);
                JsonNode earlier = byKey.putIfAbsent(key, doc);
                assertThat(earlier == null || earlier.equals(doc)).as("a repeat is the same report").isTrue();
            }
        }
        return byKey;
    }

    @Test
    void everyReportArrivesInOrderThroughOutagesErrorsAndTimeoutsAndNoneIsLostOrAltered() throws Exception {
        endpoint = work.resolve("endpoint-outages");
        Path settings = settings("");
        behaviour("ok");
        collector(false);
        List<String> sent = new ArrayList<>();

        CommandResult first = send(settings);
        assertThat(first.exitCode()).as(first.describe()).isZero();
        sent.add(spooledId(first));
        assertThat(first.stdout()).contains("delivered " + sent.get(0) + " to https://" + ADDR + ":8443/api/reports");
        assertThat(log().get(0)).containsExactly("200", sent.get(0), "Bearer_s3cret-token", "-");
        assertThat(received().get(sent.get(0)).get("schema").asText()).isEqualTo(ReportDocument.SCHEMA);

        // the endpoint is down for three rounds: each report is kept, in order
        collectorDown();
        for (int i = 1; i <= 3; i++) {
            CommandResult down = send(settings);
            assertThat(down.exitCode()).as(down.describe()).isEqualTo(1);
            sent.add(spooledId(down));
            assertThat(down.stdout()).contains("kept " + i + " report(s) in the spool: https://" + ADDR
                    + ":8443/api/reports: ConnectException");
        }
        // back, but failing: 503, then answering after the client's 2 s timeout
        collector(false);
        behaviour("status 503");
        CommandResult unavailable = send(settings);
        assertThat(unavailable.exitCode()).isEqualTo(1);
        sent.add(spooledId(unavailable));
        assertThat(unavailable.stdout()).contains("kept 4 report(s)", "HTTP 503 collector says 503");
        behaviour("delay 4000");
        CommandResult late = send(settings);
        assertThat(late.exitCode()).isEqualTo(1);
        sent.add(spooledId(late));
        assertThat(late.stdout()).contains("kept 5 report(s)", "no answer within 2 s");
        // slow but in time: everything goes, oldest first
        behaviour("delay 300");
        CommandResult slow = send(settings);
        assertThat(slow.exitCode()).as(slow.describe()).isZero();
        sent.add(spooledId(slow));
        Thread.sleep(4500); // let the late answer's request finish on the endpoint too
        assertThat(new ArrayList<>(received().keySet())).as("every report, once after dedup by id, in order")
                .containsExactlyElementsOf(sent);
        for (int i = 1; i < sent.size(); i++) {
            assertThat(slow.stdout()).contains("delivered " + sent.get(i));
        }
        String lateId = sent.get(1); // the oldest spooled then: the one the too-late round tried
        assertThat(log().stream().filter(l -> l[0].equals("200") && l[1].equals(lateId)).count())
                .as("the endpoint took the late report once in vain, and again: at least once, deduplicated by id")
                .isEqualTo(2);
        assertThat(Files.list(work.resolve("state").resolve("spool")).filter(p -> p.toString().endsWith(".json")))
                .as("the spool is empty").isEmpty();

        // refused for good: moved aside, the spool goes on
        behaviour("status 422");
        CommandResult refused = send(settings);
        assertThat(refused.exitCode()).isZero();
        assertThat(refused.stdout()).contains("rejected for good", "HTTP 422");
        assertThat(work.resolve("state").resolve("spool").resolve("rejected")).isNotEmptyDirectory();
        collectorDown();
    }

    /** Report ids the daemon logs as spooled, read from its stdout until {@code count} more or {@code wait}. */
    private static void spooledByDaemon(BackgroundProcess daemon, List<String> ids, int count, Duration wait) {
        Pattern spooled = Pattern.compile("report ([0-9a-f-]{36}) \\(schedule");
        long deadline = System.nanoTime() + wait.toNanos();
        int target = ids.size() + count;
        while (ids.size() < target && System.nanoTime() < deadline) {
            daemon.readLine(Duration.ofMillis(200)).ifPresent(line -> {
                System.out.println("daemon: " + line);
                Matcher m = spooled.matcher(line);
                if (m.find()) {
                    ids.add(m.group(1));
                }
            });
        }
        assertThat(ids).as("reports spooled by the daemon").hasSizeGreaterThanOrEqualTo(target);
    }

    @Test
    void theDaemonKilledWhileSpoolingLosesNoReportAndDeliversEachOnceTheEndpointIsBack() throws Exception {
        endpoint = work.resolve("endpoint-daemon");
        behaviour("status 503");
        collector(false);
        Path settings = settings("daemon:\n  reportCron: \"*/2 * * * * ?\"\n  flushSeconds: 1\n"
                + "  backoffCapSeconds: 10\n  auditMinutes: 1440\n");
        List<String> ids = new ArrayList<>();
        BackgroundProcess daemon = ns.spawn(ns.inside(jar.argv("run", "--config", settings.toString(), "--state-dir",
                at("daemon-state"))));
        spooledByDaemon(daemon, ids, 3, Duration.ofSeconds(60));
        assertThat(RUNNER.run("kill", "-KILL", Long.toString(daemon.pid())).ok()).isTrue();
        assertThat(daemon.waitFor(Duration.ofSeconds(10))).as("killed").isPresent();
        daemon.readLine(Duration.ofMillis(500)).ifPresent(l -> {
            Matcher m = Pattern.compile("report ([0-9a-f-]{36}) \\(schedule").matcher(l);
            if (m.find()) {
                ids.add(m.group(1));
            }
        });

        BackgroundProcess again = ns.spawn(ns.inside(jar.argv("run", "--config", settings.toString(), "--state-dir",
                at("daemon-state"))));
        spooledByDaemon(again, ids, 2, Duration.ofSeconds(60));
        behaviour("ok");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!received().keySet().containsAll(ids) && System.nanoTime() < deadline) {
            again.readLine(Duration.ofMillis(200)).ifPresent(l -> System.out.println("daemon: " + l));
        }
        assertThat(received().keySet()).as("every report the daemon spooled, before and after SIGKILL")
                .containsAll(ids);
        assertThat(RUNNER.run("kill", "-TERM", Long.toString(again.pid())).ok()).isTrue();
        assertThat(again.waitFor(Duration.ofSeconds(30))).hasValue(0);
        try (var left = Files.list(work.resolve("daemon-state").resolve("spool"))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
        }
        collectorDown();
    }

    /**
     * Reports dropped past the spool's bound are counted in {@code status} and in the next report
     * delivered; a verdict that changes between audits sends a report of its own.
     */
    @Test
    void dropsAreCountedInStatusAndTheNextReportAndAVerdictChangeSendsAReport() throws Exception {
        endpoint = work.resolve("endpoint-verdict");
        behaviour("status 503");
        collector(false);
        Path settings = settings("  spool:\n    maxReports: 1\ndaemon:\n  reportCron: \"*/2 * * * * ?\"\n"
                + "  flushSeconds: 1\n  backoffCapSeconds: 10\n  auditMinutes: 1440\n");
        String state = at("verdict-state");
        BackgroundProcess daemon = ns.spawn(ns.inside(jar.argv("run", "--config", settings.toString(), "--state-dir",
                state)));
        BackgroundProcess listener = null;
        try {
            List<String> ids = new ArrayList<>();
            spooledByDaemon(daemon, ids, 3, Duration.ofSeconds(60));
            JsonNode down = status(settings, state);
            assertThat(down.at("/daemon/reportsDropped").asLong()).as(down.toString()).isGreaterThanOrEqualTo(2);
            assertThat(down.at("/daemon/spoolDepth").asLong()).isEqualTo(1);
            String before = down.at("/daemon/lastVerdict").asText();
            assertThat(before).isNotEmpty();

            // the endpoint is back, and something listens on 25 beyond loopback: the next audit's
            // verdict differs (a SIGHUP reload audits at once). The reload also lifts the bound of
            // one report and stops the schedule: else the scheduled reports would push the
            // verdict-change report out while the daemon still backs off
            behaviour("ok");
            settings("daemon:\n  reportCron: \"0 0 0 1 1 ?\"\n  flushSeconds: 1\n  backoffCapSeconds: 10\n"
                    + "  auditMinutes: 1440\n");
            listener = ns.spawn(ns.inside(List.of("/usr/bin/python3", "-c", "import socket,time\n"
                    + "s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                    + "s.bind(('0.0.0.0',25)); s.listen(8); print('up', flush=True)\n"
                    + "while True:\n c,_=s.accept(); c.close()")));
            assertThat(listener.readLine(Duration.ofSeconds(10))).hasValue("up");
            assertThat(RUNNER.run("kill", "-HUP", Long.toString(daemon.pid())).ok()).isTrue();
            JsonNode change = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (change == null && System.nanoTime() < deadline) {
                daemon.readLine(Duration.ofMillis(200)).ifPresent(l -> System.out.println("daemon: " + l));
                if (Files.isDirectory(endpoint.resolve("received"))) {
                    change = received().values().stream().filter(r -> r.get("trigger").asText().equals("verdict-change"))
                            .findFirst().orElse(null);
                }
            }
            assertThat(change).as("a report with trigger verdict-change").isNotNull();
            assertThat(change.get("verdict").asText()).isNotEqualTo(before);
            assertThat(change.at("/spool/dropped").asLong()).as("the report counts the drops").isGreaterThanOrEqualTo(2);
            JsonNode up = status(settings, state);
            assertThat(up.at("/daemon/lastVerdict").asText()).isEqualTo(change.get("verdict").asText());
            assertThat(up.at("/daemon/lastReportDelivered").isTextual()).as(up.toString()).isTrue();
            assertThat(up.at("/daemon/spoolDepth").asLong()).isZero();
            assertThat(RUNNER.run("kill", "-TERM", Long.toString(daemon.pid())).ok()).isTrue();
            assertThat(daemon.waitFor(Duration.ofSeconds(30))).hasValue(0);
        } finally {
            daemon.stop();
            if (listener != null) {
                listener.stop();
            }
            collectorDown();
        }
    }

    private static JsonNode status(Path settings, String state) throws Exception {
        List<String> argv = new ArrayList<>(ns.inside(List.of()));
        argv.addAll(jar.argv("status", "--json", "--config", settings.toString(), "--state-dir", state));
        CommandResult r = RUNNER.run(Command.of(argv).withTimeout(Duration.ofSeconds(60)));
        assertThat(r.stdout()).as(r.describe()).startsWith("{");
        return JSON.readTree(r.stdout());
    }

    @Test
    void aTokenFileOthersCanReadIsRefusedAndNothingIsSent() throws Exception {
        endpoint = work.resolve("endpoint-token");
        behaviour("ok");
        collector(false);
        int before = log().size();
        Path loose = Files.writeString(work.resolve("loose-token"), "s3cret-token\n");
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
        Path settings = work.resolve("loose.yml");
        Files.writeString(settings, "report:\n  endpoint: https://" + ADDR + ":8443/api/reports\n  tokenFile: " + loose
                + "\n  caBundle: " + at("ca.pem") + "\n");
        CommandResult r = send(settings, "loose-state");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(3);
        assertThat(r.stderr()).contains("report.tokenFile " + loose + " is open to group or others (rw-r--r--)",
                "chmod 600");
        assertThat(log()).hasSize(before);
        assertThat(work.resolve("loose-state")).doesNotExist();
        collectorDown();

        Path plain = work.resolve("plain.yml");
        Files.writeString(plain, "report:\n  endpoint: http://" + ADDR + ":8443/api/reports\n");
        CommandResult insecure = send(plain, "loose-state");
        assertThat(insecure.exitCode()).isEqualTo(3);
        assertThat(insecure.stderr()).contains("report.endpoint", "is plain http; use https, or set insecure: true");
    }

    @Test
    void mutualTlsShowsTheClientCertificateAndWithoutItTheReportWaits() throws Exception {
        endpoint = work.resolve("endpoint-mtls");
        behaviour("ok");
        collector(true);
        Path noCert = settings("");
        CommandResult refused = send(noCert, "mtls-state");
        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(1);
        String waiting = spooledId(refused);

        Path withCert = settings("  clientCertificate: " + at("client.p25.test.pem") + "\n  clientKey: "
                + at("client.p25.test.key") + "\n");
        CommandResult shown = send(withCert, "mtls-state");
        assertThat(shown.exitCode()).as(shown.describe()).isZero();
        assertThat(shown.stdout()).contains("delivered " + waiting, "delivered " + spooledId(shown));
        Set<String> subjects = new LinkedHashSet<>();
        for (String[] l : log()) {
            if (l[1].equals(waiting)) {
                subjects.add(l[3]);
            }
        }
        assertThat(subjects).containsExactly("CN=client.p25.test");
        collectorDown();
    }
}
