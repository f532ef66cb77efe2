package dev.port25.agent.report;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every sink kind of {@link ReportSinks} over the same answer cases, against a real server of its
 * kind in a namespace the test makes: what each answer must become (delivered, retried later, or
 * rejected for good), through the sink the daemon would make from the settings. The driver runs
 * with a 32 MiB heap, so a sink that reads a huge answer whole fails. A kind without a harness
 * here fails {@link #everySinkKindHasAHarness()}: a new sink cannot ship without passing.
 */
@Tag("netns")
class ReportSinkConformanceIT {

    /** The answer cases, each with what the sink must make of it. */
    enum Case {
        ACCEPTED("Delivered"),
        BAD_REQUEST_400("Rejected"),
        TOO_LARGE_413("Rejected"),
        TOO_MANY_429("Retry"),
        UNAVAILABLE_503("Retry"),
        NO_ANSWER_IN_TIME("Retry"),
        STATUS_THEN_STALL("Retry"),
        CONNECTION_REFUSED("Retry"),
        ANSWER_TOO_LARGE("Delivered");

        final String answer;

        Case(String answer) {
            this.answer = answer;
        }
    }

    /** A real far end of one kind, made to answer each case. */
    interface Harness {
        String kind();

        /** The settings that point the agent's sink of this kind at the server. */
        Path settings() throws Exception;

        /** Makes the server answer the next report as the case says (or not listen at all). */
        void answer(Case c) throws Exception;

        /** What the far end took last: the report's body, under its id as the idempotency key, with the token. */
        void assertTook(String id, String body, String token) throws Exception;
    }

    private static final String ADDR = "198.18.56.1";
    private static final CommandRunner RUNNER = new CommandRunner();

    private static Netns ns;
    private static Path work;
    private static final Map<String, Harness> HARNESSES = Map.of(HttpsSink.KIND, new HttpsHarness());

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.require("ip", "openssl");
        work = Files.createTempDirectory("p25-sinks-");
        ns = Netns.create("sinks");
        ns.ok("ip", "addr", "add", ADDR + "/32", "dev", "lo");
        TestCa ca = TestCa.create(work);
        ca.issue("server", "subjectAltName=IP:" + ADDR, "extendedKeyUsage=serverAuth");
        ca.keyStore("server");
        ca.trustStore();
        Path token = Files.writeString(work.resolve("token"), "conformance-token\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterAll
    static void stop() throws Exception {
        for (Harness h : HARNESSES.values()) {
            if (h instanceof AutoCloseable c) {
                c.close();
            }
        }
        if (ns != null) {
            ns.close();
        }
        if (work != null) {
            TempDirs.deleteTree(work);
        }
    }

    @Test
    void everySinkKindHasAHarness() {
        assertThat(HARNESSES.keySet()).containsExactlyInAnyOrderElementsOf(ReportSinks.kinds());
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String kind : ReportSinks.kinds()) {
            for (Case c : Case.values()) {
                out.add(Arguments.of(kind, c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void eachAnswerBecomesWhatItMust(String kind, Case c) throws Exception {
        Harness h = HARNESSES.get(kind);
        assertThat(h).as("a harness for " + kind).isNotNull();
        h.answer(c);
        List<String> argv = new ArrayList<>(ns.inside(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx32m", "-cp", System.getProperty("java.class.path"), SinkDriver.class.getName(), kind,
                h.settings().toString())));
        CommandResult r = RUNNER.run(Command.of(argv).withTimeout(Duration.ofSeconds(60)));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        String answer = r.stdout().strip();
        assertThat(answer).as(kind + " " + c).startsWith(c.answer);
        if (c == Case.ACCEPTED) {
            h.assertTook(SinkDriver.ID, SinkDriver.BODY, "conformance-token");
        }
        if (c == Case.NO_ANSWER_IN_TIME || c == Case.STATUS_THEN_STALL) {
            assertThat(answer).contains("no answer within 2 s");
        }
        if (c == Case.CONNECTION_REFUSED) {
            assertThat(answer).contains("refused");
        }
        if (c.answer.equals("Rejected")) {
            assertThat(answer).contains(c.name().replaceAll("\\D", ""));
        }
    }

    /** The https sink against the JDK's HTTPS server ({@link ReportCollector}). */
    static final class HttpsHarness implements Harness, AutoCloseable {
        private BackgroundProcess collector;

        @Override
        public String kind() {
            return HttpsSink.KIND;
        }

        @Override
        public Path settings() throws Exception {
            return Files.writeString(work.resolve("https.yml"), "report:\n  endpoint: https://" + ADDR
                    + ":8443/api/reports\n  tokenFile: " + work.resolve("token") + "\n  caBundle: "
                    + work.resolve("ca.pem") + "\n  timeoutSeconds: 2\n");
        }

        @Override
        public void answer(Case c) throws Exception {
            Path dir = work.resolve("https");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("behaviour"), switch (c) {
                case ACCEPTED -> "ok";
                case BAD_REQUEST_400 -> "status 400";
                case TOO_LARGE_413 -> "status 413";
                case TOO_MANY_429 -> "status 429";
                case UNAVAILABLE_503 -> "status 503";
                case NO_ANSWER_IN_TIME -> "delay 4000";
                case STATUS_THEN_STALL -> "stall 6000";
                case CONNECTION_REFUSED -> "ok";
                case ANSWER_TOO_LARGE -> "huge 256";
            });
            if (c == Case.CONNECTION_REFUSED) {
                close();
                return;
            }
            if (collector == null) {
                collector = ns.spawn(ns.inside(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-cp", System.getProperty("java.class.path"), ReportCollector.class.getName(),
                        ADDR, "8443", work.resolve("server.p12").toString(), "-", dir.toString())));
                assertThat(collector.readLine(Duration.ofSeconds(30))).as("collector: %s", collector.stderrIfEnded())
                        .hasValue("listening");
            }
        }

        @Override
        public void assertTook(String id, String body, String token) throws Exception {
            Path dir = work.resolve("https");
            List<String> log = Files.readAllLines(dir.resolve("log"));
            assertThat(log).last().isEqualTo("200 " + id + " Bearer_" + token + " -");
            try (var files = Files.list(dir.resolve("received"))) {
                Path last = files.sorted().reduce((a, b) -> b).orElseThrow();
                assertThat(last.getFileName().toString()).endsWith("-" + id + ".json");
                assertThat(Files.readString(last)).isEqualTo(body);
            }
        }

        @Override
        public void close() {
            if (collector != null) {
                collector.stop();
                collector = null;
            }
        }
    }
}
