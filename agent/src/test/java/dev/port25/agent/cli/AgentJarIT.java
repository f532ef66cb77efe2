package dev.port25.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.agent.policy.Verdict;
import dev.port25.agent.testing.AgentJar;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The built executable jar, run as a real process: {@code java -jar port25-agent.jar ...}. */
class AgentJarIT {

    private static AgentJar jar;

    @BeforeAll
    static void copy() throws Exception {
        jar = AgentJar.copy();
    }

    @AfterAll
    static void cleanup() throws Exception {
        jar.close();
    }

    private static CommandResult run(String... args) throws Exception {
        return new CommandRunner().run(Command.of(jar.argv(args)));
    }

    @Test
    void versionAndHelp() throws Exception {
        CommandResult version = run("version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.stdout()).startsWith("port25-agent 0.");
        CommandResult help = run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("status", "version");
    }

    @Test
    void statusOnThisHostAnswersWithAConsistentVerdictAndNothingOnStderr() throws Exception {
        CommandResult r = run("status", "--json");
        JsonNode doc = new ObjectMapper().readTree(r.stdout());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.of(Verdict.valueOf(doc.get("verdict").asText())));
        assertThat(doc.at("/inventory/source").asText()).isEqualTo("netlink");
        assertThat(r.stderr()).as("no JNA or SLF4J noise on the netlink path").isEmpty();
        CommandResult human = run("status");
        assertThat(human.exitCode()).isEqualTo(r.exitCode());
        assertThat(human.stdout()).startsWith("PORT25 " + doc.get("verdict").asText() + ": ");
    }

    /** JNA told not to load its native library: netlink cannot work, which must never read as "nothing listens". */
    private static final List<String> NO_JNA = List.of("-Djna.nounpack=true", "-Djna.nosys=true");

    @Test
    void failedNetlinkInventoryIsUnknownWithItsCause() throws Exception {
        CommandResult r = new CommandRunner().run(Command.of(jar.argvWithJvmOptions(NO_JNA, "status", "--json", "--source", "netlink")));
        assertThat(r.exitCode()).isEqualTo(3);
        JsonNode doc = new ObjectMapper().readTree(r.stdout());
        assertThat(doc.get("verdict").asText()).isEqualTo("UNKNOWN");
        assertThat(doc.get("listeners").isNull()).as("unknown, not an empty list").isTrue();
        assertThat(doc.at("/inventory/error").asText()).contains("netlink sock_diag", "cannot bind libc through JNA");
        CommandResult human = new CommandRunner().run(Command.of(jar.argvWithJvmOptions(NO_JNA, "status", "--source", "netlink")));
        assertThat(human.exitCode()).isEqualTo(3);
        assertThat(human.stdout()).startsWith("PORT25 UNKNOWN: inventory failed: netlink sock_diag");
    }

    @Test
    void autoFallsBackToOshiAndSaysWhy() throws Exception {
        CommandResult r = new CommandRunner().run(Command.of(jar.argvWithJvmOptions(NO_JNA, "status", "--json")));
        JsonNode doc = new ObjectMapper().readTree(r.stdout());
        assertThat(doc.at("/inventory/source").asText()).isEqualTo("oshi");
        assertThat(doc.at("/inventory/gaps/0").asText()).contains("netlink sock_diag", "listed through OSHI instead");
        assertThat(doc.get("listeners").isArray()).isTrue();
        assertThat(r.exitCode()).isEqualTo(ExitCodes.of(Verdict.valueOf(doc.get("verdict").asText())));
    }

    @Test
    void badUsageExitsUnknown() throws Exception {
        CommandResult r = run("status", "--port", "0");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stderr()).contains("0 is not a port");
    }
}
