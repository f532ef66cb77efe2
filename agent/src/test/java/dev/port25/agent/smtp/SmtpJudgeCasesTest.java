package dev.port25.agent.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.port25.agent.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every folder of {@code smtp-cases}: the judge, given the transcript a real Postfix, Exim or
 * OpenSMTPD gave SmtpProbeIT (see each {@code source.txt}), must give exactly
 * {@code expected.json}. No root, no network.
 */
class SmtpJudgeCasesTest {

    static final List<String> FILES = List.of("transcript.json", "expected.json", "source.txt");

    static Path root() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(SmtpJudgeCasesTest.class.getResource("/smtp-cases"),
                "no smtp-cases on the test class path").toURI());
    }

    static Stream<String> cases() throws Exception {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    /** The judge's result for the case in {@code dir}, as expected.json holds it; fails when a file is missing. */
    static JsonNode judged(Path dir) throws IOException {
        for (String f : FILES) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new AssertionError("case " + dir.getFileName() + " has no " + f);
            }
        }
        SmtpCases.Case c = SmtpCases.read(dir);
        return SmtpCases.resultJson(c.target(), SmtpJudge.judge(c.options(), c.transcript()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theJudgeGivesTheRecordedResult(String name) throws Exception {
        Path dir = root().resolve(name);
        JsonNode expected = SmtpCases.MAPPER.readTree(Files.readString(dir.resolve("expected.json")));
        JsonNode actual = judged(dir);
        assertThat(SmtpCases.MAPPER.writeValueAsString(actual)).as(name)
                .isEqualTo(SmtpCases.MAPPER.writeValueAsString(expected));
        assertThat(Files.readString(dir.resolve("source.txt")).strip()).as("one line naming the server")
                .doesNotContain("\n").isNotBlank();
    }

    /** probe HOST's exit code, from the one mapper, over what real servers said. */
    @Test
    void theProbesExitCodeFollowsWhatTheServerSaid() throws Exception {
        Map<String, Integer> expected = Map.of("postfix-open-relay-vrfy-banner-auth", ExitCodes.CRITICAL,
                "nothing-listening", ExitCodes.UNKNOWN, "hostile-early-close", ExitCodes.UNKNOWN,
                "postfix-vrfy-enabled", ExitCodes.WARNING);
        for (var e : expected.entrySet()) {
            SmtpCases.Case c = SmtpCases.read(root().resolve(e.getKey()));
            assertThat(ExitCodes.ofProbe(SmtpJudge.judge(c.options(), c.transcript()))).as(e.getKey())
                    .isEqualTo(e.getValue());
        }
    }

    @Test
    void theCasesCoverTheServersAndVerdictsOfSmtpProbeIT() throws Exception {
        List<String> names = cases().toList();
        assertThat(names).as("real Postfix and Exim runs").anyMatch(n -> n.startsWith("postfix-"))
                .anyMatch(n -> n.startsWith("exim-"));
        assertThat(names).noneMatch(n -> n.startsWith("handwritten-"));
        StringBuilder all = new StringBuilder();
        StringBuilder modes = new StringBuilder();
        for (String n : names) {
            all.append(Files.readString(root().resolve(n).resolve("expected.json")));
            modes.append(SmtpCases.read(root().resolve(n)).transcript().mode()).append(' ');
        }
        assertThat(modes.toString()).as("the outside probe and the local path's exim -bh").contains("FULL", "ACCESS");
        assertThat(all.toString()).as("verdicts the cases reach").contains("\"OPEN_RELAY\"", "\"VRFY_DISCLOSES\"",
                "\"WEAK_TLS\"", "\"NO_STARTTLS\"", "\"AUTH_BEFORE_TLS\"", "\"BANNER_LEAKS_SOFTWARE\"",
                "\"USER_ENUMERATION\"", "\"vrfy\" : \"UNIFORM\"", "\"vrfy\" : \"DISABLED\"", "too many errors");
    }

    @Test
    void aCaseWithoutItsExpectedResultFails(@TempDir Path tmp) throws Exception {
        String first = cases().findFirst().orElseThrow();
        Path dir = Files.createDirectories(tmp.resolve(first));
        Files.copy(root().resolve(first).resolve("transcript.json"), dir.resolve("transcript.json"));
        Files.copy(root().resolve(first).resolve("source.txt"), dir.resolve("source.txt"));
        assertThatThrownBy(() -> judged(dir)).hasMessageContaining("has no expected.json");
    }
}
