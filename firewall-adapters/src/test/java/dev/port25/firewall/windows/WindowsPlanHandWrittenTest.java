package dev.port25.firewall.windows;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.Change;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;
import dev.port25.firewall.spi.Plan;
import dev.port25.firewall.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The exact PowerShell each plan runs, over states written by hand (no Windows here; see
 * src/test/resources/windows/README.md), and what a plan never does: touch a rule that is not
 * the agent's.
 */
class WindowsPlanHandWrittenTest {

    private static final WindowsAdapter ADAPTER = new WindowsAdapter(new CommandRunner(), "Windows Server 2022");
    private static final Desired CLOSED = Desired.of(25, new Inbound.Closed());
    private static final Desired OPEN = Desired.of(25, new Inbound.Open());

    private static String script(Command c) {
        return new String(c.stdin(), StandardCharsets.UTF_8);
    }

    @Test
    void closedIsOneNewRuleInTheLocalStoreRunAsOneScriptOnStdin() {
        Plan plan = ADAPTER.plan(WindowsRecordedStates.state("port25-open"), CLOSED);
        assertThat(plan.changes()).hasSize(1).allMatch(c -> c instanceof Change.Add);
        Command c = plan.changes().get(0).commands().get(0);
        assertThat(c.argv()).containsExactly("powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy",
                "Bypass", "-Command", "$s=[IO.StreamReader]::new([Console]::OpenStandardInput(),[Text.Encoding]::UTF8)"
                        + ".ReadToEnd();&([scriptblock]::Create($s))");
        assertThat(c.argv().get(6)).doesNotContain(" ", "\"", "'");
        assertThat(script(c)).isEqualTo(Fixtures.text("/windows/expected/closed-25.ps1"));
        assertThat(plan.changes().get(0).description())
                .isEqualTo("add the agent's rule port25-agent-in-tcp-25 blocking inbound TCP 25 (CLOSED)");
    }

    @Test
    void openRemovesOnlyTheAgentsRuleByItsExactName() {
        Plan plan = ADAPTER.plan(WindowsRecordedStates.state("port25-closed"), OPEN);
        assertThat(plan.changes()).hasSize(1).allMatch(c -> c instanceof Change.Remove);
        assertThat(script(plan.changes().get(0).commands().get(0))).isEqualTo(PowerShell.PREAMBLE
                + "Remove-NetFirewallRule -PolicyStore PersistentStore -Name 'port25-agent-in-tcp-25'\n");
        assertThat(ADAPTER.plan(WindowsRecordedStates.state("port25-closed"), CLOSED).isEmpty()).isTrue();
    }

    @Test
    void aGroupPolicyRuleWithTheAgentsNameIsNotTheAgentsAndIsNeverTouched() {
        WindowsState foreign = WindowsRecordedStates.state("foreign-rule");
        assertThat(foreign.ownedRules()).isEmpty();
        assertThat(ADAPTER.plan(foreign, OPEN).isEmpty()).isTrue();
        Plan closed = ADAPTER.plan(foreign, CLOSED);
        assertThat(closed.changes()).hasSize(1).allMatch(c -> c instanceof Change.Add);
        assertThat(script(closed.changes().get(0).commands().get(0))).doesNotContain("Remove-NetFirewallRule");
    }

    @Test
    void aDriftedRuleIsReplacedByANewOneBeforeTheOldGoesSoAFailureLeavesItClosed() {
        WindowsState drifted = WindowsRecordedStates.state("drifted");
        assertThat(drifted.ownedRules()).containsExactly("port25-agent-in-tcp-25: BLOCK inbound TCP 25 from "
                + "198.18.0.0/15");
        Plan plan = ADAPTER.plan(drifted, CLOSED);
        assertThat(plan.changes()).hasSize(1).allMatch(c -> c instanceof Change.Replace);
        String script = script(plan.changes().get(0).commands().get(0));
        String create = Fixtures.text("/windows/expected/closed-25.ps1").substring(PowerShell.PREAMBLE.length());
        assertThat(script).isEqualTo(PowerShell.PREAMBLE
                + create.replace("-Name 'port25-agent-in-tcp-25'", "-Name 'port25-agent-in-tcp-25-next'")
                + "Remove-NetFirewallRule -PolicyStore PersistentStore -Name 'port25-agent-in-tcp-25'\n"
                + "Rename-NetFirewallRule -PolicyStore PersistentStore -Name 'port25-agent-in-tcp-25-next' "
                + "-NewName 'port25-agent-in-tcp-25'\n");
        // what a replacement that failed half-way leaves is put right, the rule in force kept until then
        WindowsState halfWay = new HandWrittenPolicy().rule("port25-agent-in-tcp-25-next").group("port25-agent")
                .and().state();
        List<Change> after = ADAPTER.plan(halfWay, CLOSED).changes();
        assertThat(after).hasSize(2);
        assertThat(after.get(0)).isInstanceOf(Change.Add.class);
        assertThat(script(after.get(1).commands().get(0))).endsWith("-Name 'port25-agent-in-tcp-25-next'\n");
        // a rule read back in Windows' own forms (a mask, ranges) is the same rule
        OwnedRules.Want want = OwnedRules.wanted(Desired.of(25, new Inbound.AllowFrom(List.of(
                Cidr.parse("198.18.0.0/15"))))).get("port25-agent-in-tcp-25");
        WindowsState readBack = new HandWrittenPolicy().rule(want.name()).group("port25-agent")
                .remote("0.0.0.0/255.0.0.0", "1.0.0.0-198.17.255.255", "198.20.0.0-255.255.255.255", "::/0").and()
                .rule(want.name() + "-allow").group("port25-agent").allow().remote("198.18.0.0/255.254.0.0").and()
                .state();
        assertThat(ADAPTER.plan(readBack, Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse("198.18.0.0/15")))))
                .isEmpty()).isTrue();
    }

    @Test
    void egressAndAllowFromAreBlocksWithTheirOwnNamesAndPorts() {
        Desired desired = new Desired(Map.of(25, new Inbound.AllowFrom(List.of(Cidr.parse("198.18.0.0/15")))))
                .withOutbound(25, new Outbound.BlockedExcept(List.of()));
        Plan plan = ADAPTER.plan(new HandWrittenPolicy().state(), desired);
        List<String> scripts = plan.changes().stream().map(c -> script(c.commands().get(0))).toList();
        assertThat(scripts).hasSize(3); // no relay: no egress allow
        assertThat(scripts.get(0)).contains("-Name 'port25-agent-in-tcp-25'", "-Direction Inbound", "-Action Block",
                "-LocalPort 25", "-RemoteAddress @('0.0.0.0-198.17.255.255','198.20.0.0-255.255.255.255',"
                        + "'::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')");
        assertThat(scripts.get(1)).contains("-Name 'port25-agent-in-tcp-25-allow'", "-Direction Inbound",
                "-Action Allow", "-LocalPort 25", "-RemoteAddress @('198.18.0.0/15')",
                "-DisplayName 'port25-agent: allow inbound TCP 25'");
        assertThat(scripts.get(2)).contains("-Name 'port25-agent-out-tcp-25'", "-Direction Outbound",
                "-Action Block", "-RemotePort 25", "-RemoteAddress @('Any')", "-Profile Any");
        Desired relay = new Desired(Map.of()).withOutbound(25, new Outbound.BlockedExcept(List.of(
                Cidr.parse("192.0.2.25/32"))));
        assertThat(OwnedRules.wanted(relay).keySet()).containsExactly("port25-agent-out-tcp-25",
                "port25-agent-out-tcp-25-allow");
    }

    @Test
    void aLongComplementIsSplitOverRulesOfAThousandAddressesAndTheExtraRulesGoWhenNotNeeded() {
        List<Cidr> nets = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            nets.add(Cidr.parse("10." + (i / 256) + "." + (i % 256) + ".0/25"));
        }
        Map<String, OwnedRules.Want> wanted = OwnedRules.wanted(Desired.of(25, new Inbound.AllowFrom(nets)));
        assertThat(wanted.keySet()).containsExactly("port25-agent-in-tcp-25", "port25-agent-in-tcp-25-2",
                "port25-agent-in-tcp-25-allow", "port25-agent-in-tcp-25-allow-2");
        assertThat(wanted.get("port25-agent-in-tcp-25-allow-2").remote()).hasSize(200);
        assertThat(wanted.get("port25-agent-in-tcp-25").remote()).hasSize(1000);
        assertThat(wanted.get("port25-agent-in-tcp-25-2").remote()).hasSize(202); // 1201 v4 gaps and all of v6
        WindowsState two = new HandWrittenPolicy().rule("port25-agent-in-tcp-25").group("port25-agent").and()
                .rule("port25-agent-in-tcp-25-2").group("port25-agent").and().state();
        Plan plan = ADAPTER.plan(two, CLOSED);
        assertThat(plan.changes()).hasSize(1).allMatch(c -> c instanceof Change.Remove);
        assertThat(script(plan.changes().get(0).commands().get(0))).endsWith("-Name 'port25-agent-in-tcp-25-2'\n");
    }

    @Test
    void noNameOrTextWithAWildcardOrAControlCharacterIsEverWritten() {
        assertThatThrownBy(() -> OwnedRules.remove("port25-agent-*")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OwnedRules.remove("Block SMTP")).isInstanceOf(IllegalArgumentException.class);
        assertThat(OwnedRules.quote("it's")).isEqualTo("'it''s'");
        assertThatThrownBy(() -> OwnedRules.quote("a\nb")).isInstanceOf(IllegalArgumentException.class);
    }
}
