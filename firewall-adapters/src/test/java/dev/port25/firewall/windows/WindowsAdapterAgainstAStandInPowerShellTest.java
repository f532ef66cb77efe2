package dev.port25.firewall.windows;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.ApplyResult;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Detection;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Plan;
import dev.port25.firewall.testing.Fixtures;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The adapter's contract with powershell.exe, against a stand-in (a shell script named
 * powershell.exe; no Windows here): the argv and the script on stdin it is given, the JSON it
 * answers (written by hand, see src/test/resources/windows/README.md), and what the adapter makes
 * of the answers: detection, a read, an apply that re-reads and names what Windows does not
 * enforce. The stand-in answers a write by switching to the state that write would leave.
 */
class WindowsAdapterAgainstAStandInPowerShellTest {

    private static final String STAND_IN = """
            #!/bin/sh
            # stand-in for powershell.exe: keeps argv and stdin of each call, answers from files
            d=$(dirname "$0")
            n=$(ls "$d/calls" | grep -c argv)
            printf '%s\\n' "$@" > "$d/calls/$n.argv"
            cat > "$d/calls/$n.ps1"
            if grep -q 'Get-Service -Name mpssvc' "$d/calls/$n.ps1"; then cat "$d/detect.json"; exit 0; fi
            if grep -q 'Get-NetFirewallRule -All' "$d/calls/$n.ps1"; then cat "$d/state.json"; exit 0; fi
            if [ -f "$d/fail" ]; then echo "New-NetFirewallRule : Access is denied." >&2; exit 1; fi
            cp "$d/after.json" "$d/state.json"
            """;

    @TempDir
    Path dir;

    private WindowsAdapter adapter;

    @BeforeEach
    void standIn() throws IOException {
        Prerequisites.require("env", "sh");
        Path ps = dir.resolve("powershell.exe");
        Files.writeString(ps, STAND_IN);
        Files.setPosixFilePermissions(ps, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectory(dir.resolve("calls"));
        adapter = new WindowsAdapter(new CommandRunner().withPrefix(List.of("env", "PATH=" + dir + ":/usr/bin:/bin")),
                "Windows Server 2022");
    }

    private void detectAnswer(String os, String service, boolean netSecurity, boolean admin) throws IOException {
        Files.writeString(dir.resolve("detect.json"), "{\"os\":\"" + os + "\",\"service\":\"" + service
                + "\",\"netSecurity\":" + netSecurity + ",\"admin\":" + admin + "}");
    }

    private void state(String file, String caseName) throws IOException {
        Files.writeString(dir.resolve(file), Fixtures.text("/windows/" + caseName + "/state.handwritten.json"));
    }

    private String call(int n, String ext) throws IOException {
        return Files.readString(dir.resolve("calls/" + n + "." + ext), StandardCharsets.UTF_8);
    }

    @Test
    void detectionIsActiveOnlyWithTheServiceRunningTheModuleAndAnAdministrator() throws IOException {
        detectAnswer("10.0.20348.0", "Running", true, true);
        assertThat(adapter.detect()).isEqualTo(new Detection("windows", true, true, Optional.of("10.0.20348.0"),
                "Windows Defender Firewall (mpssvc) running on Windows 10.0.20348.0"));
        assertThat(call(0, "argv")).isEqualTo(String.join("\n", "-NoProfile", "-NonInteractive", "-ExecutionPolicy",
                "Bypass", "-Command", PowerShell.BOOTSTRAP) + "\n");
        assertThat(call(0, "ps1")).isEqualTo(PowerShell.PREAMBLE + PowerShell.DETECT);

        detectAnswer("10.0.19045.0", "Running", true, false);
        Detection user = adapter.detect();
        assertThat(user.installed()).isTrue();
        assertThat(user.active()).isFalse();
        assertThat(user.detail()).contains("not an administrator");
        detectAnswer("10.0.19045.0", "Stopped", true, true);
        assertThat(adapter.detect().detail()).contains("(mpssvc) is Stopped, not Running");
        assertThat(adapter.detect().active()).isFalse();
        detectAnswer("10.0.19045.0", "Running", false, true);
        assertThat(adapter.detect().installed()).isFalse();
        assertThat(adapter.detect().detail()).contains("NetSecurity");
        detectAnswer("6.3.9600.0", "Running", true, true);
        assertThat(adapter.detect().detail()).contains("too old", "Windows 10 / Server 2016");
    }

    @Test
    void onLinuxItIsNotInstalledAndRunsNothing() throws IOException {
        Detection d = new WindowsAdapter(new CommandRunner(), "Linux").detect();
        assertThat(d.installed()).isFalse();
        assertThat(d.detail()).isEqualTo("Windows Defender Firewall is not installed here: this host runs Linux, "
                + "not Windows");
        assertThat(new WindowsAdapter(new CommandRunner().withPrefix(List.of("env", "PATH=/nonexistent-port25")),
                "Windows 11").detect().detail()).startsWith("powershell.exe not found on PATH");
    }

    @Test
    void applyRunsThePlansScriptThenReadsAgainAndConverges() throws Exception {
        state("state.json", "port25-open");
        state("after.json", "port25-closed");
        WindowsState before = adapter.read();
        assertThat(call(0, "ps1")).isEqualTo(PowerShell.PREAMBLE + PowerShell.READ);
        Plan plan = adapter.plan(before, Desired.of(25, new Inbound.Closed()));
        ApplyResult r = adapter.apply(plan);
        assertThat(r.converged()).isTrue();
        assertThat(r.unmet()).isEmpty();
        assertThat(r.after().ownedRules()).containsExactly("port25-agent-in-tcp-25: BLOCK inbound TCP 25 from Any");
        assertThat(call(1, "ps1")).isEqualTo(new String(plan.changes().get(0).commands().get(0).stdin(),
                StandardCharsets.UTF_8));
        assertThat(call(2, "ps1")).isEqualTo(PowerShell.PREAMBLE + PowerShell.READ);
    }

    @Test
    void aRuleGroupPolicyKeepsFromTakingEffectIsReportedNotCountedAsABlock() throws Exception {
        state("state.json", "port25-open");
        // after the write: Group Policy disallows local rules in Public, and allows 25 itself
        Files.writeString(dir.resolve("after.json"), new HandWrittenPolicy()
                .profile("Public", "allowLocalFirewallRules", 0)
                .rule("port25-agent-in-tcp-25").group("port25-agent").enforcement("LocalFirewallRulesDisallowed").and()
                .rule("MailRelay-In").allow().gpo("CONTOSO\\Mail").and().json());
        ApplyResult r = adapter.apply(adapter.plan(adapter.read(), Desired.of(25, new Inbound.Closed())));
        assertThat(r.converged()).isTrue(); // the rule is there as written...
        assertThat(r.unmet()).hasSize(3); // ...but decides nothing: v4 and v6 open, and the rule not enforced
        assertThat(r.unmet().get(0)).startsWith("ipv4 tcp port 25: wanted CLOSED, all layers give OPEN; decided by "
                + "windows ActiveStore from CONTOSO\\Mail: MailRelay-In").contains("AllowLocalFirewallRules False");
        assertThat(r.unmet().get(2)).isEqualTo("rule port25-agent-in-tcp-25 is in the store but not enforced: "
                + "EnforcementStatus LocalFirewallRulesDisallowed");
    }

    @Test
    void aProfileWithTheFirewallOffIsNamedAfterClosed() throws Exception {
        state("state.json", "port25-open");
        // after the write: the agent's block is there and enforced, but Public has the firewall off
        Files.writeString(dir.resolve("after.json"), new HandWrittenPolicy().profile("Public", "enabled", 0)
                .connections("Ethernet", 0).rule("port25-agent-in-tcp-25").group("port25-agent").and().json());
        ApplyResult r = adapter.apply(adapter.plan(adapter.read(), Desired.of(25, new Inbound.Closed())));
        assertThat(r.converged()).isTrue();
        assertThat(r.unmet()).hasSize(2).allMatch(u -> u.contains("wanted CLOSED") && u.contains("Enabled False"));
        assertThat(r.unmet().get(0)).startsWith("ipv4 tcp port 25: ");
        assertThat(r.unmet().get(1)).startsWith("ipv6 tcp port 25: ");
    }

    @Test
    void aForeignBlockThatStillClosesThePortAfterOpenIsNamed() throws Exception {
        state("state.json", "port25-closed");
        // after the write: the agent's block is gone, a block of someone else's still closes 25
        Files.writeString(dir.resolve("after.json"), new HandWrittenPolicy().rule("smtp").allow().and()
                .rule("Block SMTP").gpo("CONTOSO\\Baseline").and().json());
        ApplyResult r = adapter.apply(adapter.plan(adapter.read(), Desired.of(25, new Inbound.Open())));
        assertThat(r.converged()).isTrue();
        assertThat(r.after().ownedRules()).isEmpty();
        assertThat(r.unmet()).hasSize(2).allMatch(u -> u.contains("wanted OPEN, all layers give CLOSED")
                && u.contains("from CONTOSO\\Baseline: Block SMTP"));
    }

    @Test
    void aFailedWriteSaysWhatFailedAndAReadThatIsNotJsonIsAnError() throws Exception {
        state("state.json", "port25-open");
        Files.writeString(dir.resolve("fail"), "");
        Plan plan = adapter.plan(adapter.read(), Desired.of(25, new Inbound.Closed()));
        assertThatThrownBy(() -> adapter.apply(plan)).isInstanceOf(FirewallException.class)
                .hasMessageContaining("add the agent's rule port25-agent-in-tcp-25")
                .hasMessageContaining("Access is denied");
        Files.writeString(dir.resolve("state.json"), "Get-NetFirewallRule : Access is denied.");
        assertThatThrownBy(() -> adapter.read()).isInstanceOf(FirewallException.class)
                .hasMessageStartingWith("windows: cannot read the state script's output: not JSON");
    }
}
