package dev.port25.agent.cli;

import dev.port25.agent.enforce.EnforcementPolicy;
import dev.port25.agent.enforce.Enforcer;
import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.policy.Verdict;
import dev.port25.agent.report.Delivery;
import dev.port25.agent.report.ReportException;
import dev.port25.agent.settings.SettingsException;
import dev.port25.firewall.spi.FirewallException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The one mapper: every outcome a command returns, and which failures are the user's to fix. */
class ExitCodesTest {

    @Test
    void verdictsAreTheMonitoringPluginCodes() {
        assertThat(List.of(Verdict.OK, Verdict.WARNING, Verdict.CRITICAL, Verdict.UNKNOWN))
                .extracting(ExitCodes::of).containsExactly(0, 1, 2, 3);
    }

    @Test
    void enforcementAndUndo() {
        Enforcer.Outcome done = new Enforcer.Outcome(true, false, List.of("added"), List.of());
        Enforcer.Outcome foreign = new Enforcer.Outcome(true, false, List.of("added"), List.of("ufw: DENY 25 v6"));
        Enforcer.Outcome failed = new Enforcer.Outcome(false, true, List.of("rolled back"), List.of());
        assertThat(List.of(done, foreign, failed)).extracting(ExitCodes::ofEnforcement)
                .containsExactly(ExitCodes.OK, ExitCodes.WARNING, ExitCodes.UNKNOWN);
        assertThat(List.of(done, foreign, failed)).extracting(ExitCodes::ofUndo)
                .containsExactly(ExitCodes.OK, ExitCodes.OK, ExitCodes.UNKNOWN);
    }

    @Test
    void reportsLeftInTheSpoolAreAWarning() {
        assertThat(ExitCodes.of(new Delivery.Round(List.of("a"), List.of(), Optional.empty(), 0))).isEqualTo(ExitCodes.OK);
        assertThat(ExitCodes.of(new Delivery.Round(List.of(), List.of(), Optional.of("503"), 2)))
                .isEqualTo(ExitCodes.WARNING);
    }

    @Test
    void severalSinksAreAsGoodAsTheWorst() {
        Delivery.Round done = new Delivery.Round(List.of("a"), List.of(), Optional.empty(), 0);
        Delivery.Round left = new Delivery.Round(List.of(), List.of(), Optional.of("503"), 1);
        assertThat(ExitCodes.ofRounds(List.of())).isEqualTo(ExitCodes.OK);
        assertThat(ExitCodes.ofRounds(List.of(done, done))).isEqualTo(ExitCodes.OK);
        assertThat(ExitCodes.ofRounds(List.of(done, left))).isEqualTo(ExitCodes.WARNING);
    }

    @Test
    void failuresTheUserCanActOnAreSaidInOneLine() {
        assertThat(ExitCodes.failure(new CommandFailure("--format cef: use port25 or ocsf")))
                .contains("--format cef: use port25 or ocsf");
        assertThat(ExitCodes.failure(new FirewallException("nft: not found"))).contains("nft: not found");
        assertThat(ExitCodes.failure(new ReportException("report.endpoint: bad URL"))).contains("report.endpoint: bad URL");
        assertThat(ExitCodes.failure(new EnforcementPolicy.Refused("ports: 22 is not an SMTP port")))
                .contains("enforce refused: ports: 22 is not an SMTP port");
        assertThat(ExitCodes.failure(new SettingsException("agent.yml", Optional.of(3), Optional.of(3),
                "firewall.backend", "'pf' is not one of auto"))).contains("agent.yml:3:3: firewall.backend: 'pf' is not one of auto");
        assertThat(ExitCodes.failure(new InventoryException("netlink: EPERM"))).contains("netlink: EPERM");
        assertThat(ExitCodes.failure(new IllegalStateException("bug"))).isEmpty();
        assertThat(ExitCodes.failure(new IOException("disk"))).as("an I/O error a command did not word is internal")
                .isEmpty();
    }
}
