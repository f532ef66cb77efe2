package dev.port25.firewall.windows;

import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpFamily;
import dev.port25.firewall.spi.ApplyResult;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Detection;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;
import dev.port25.firewall.windows.WindowsPolicy.FwRule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Windows Defender Firewall through the adapter, in the steps of the Linux backends'
 * netns tests: CLOSED, the same again (nothing to do), ALLOW_FROM, an egress block, OPEN, and
 * every rule not the agent's byte-identical before and after. Runs only on Windows, as an
 * administrator, with the firewall on in the profiles in use; no Windows machine runs here, so
 * this class has never run (it is ready for a Windows runner). A real packet from a peer is not
 * sent: Windows does not filter a host's connections to its own addresses, and a runner has no
 * second host; the verdicts are the adapter's evaluation and Windows' own EnforcementStatus.
 */
@EnabledOnOs(OS.WINDOWS)
class WindowsFirewallLiveIT {

    private final WindowsAdapter adapter = new WindowsAdapter(new CommandRunner());
    private Map<String, String> foreignBefore;

    private static Map<String, String> foreign(WindowsState s) {
        Map<String, String> out = new TreeMap<>();
        for (FwRule r : s.policy().rules()) {
            if (!OwnedRules.owned(r)) {
                out.put(r.id(), r.toString());
            }
        }
        return out;
    }

    @BeforeEach
    void active() throws Exception {
        Detection d = adapter.detect();
        assertThat(d.active()).as(d.detail()).isTrue();
        WindowsState s = adapter.read();
        assertThat(s.ownedRules()).as("the agent's rules are left from an earlier run").isEmpty();
        foreignBefore = foreign(s);
    }

    @AfterEach
    void undo() throws Exception {
        adapter.apply(adapter.plan(adapter.read(), new Desired(Map.of())));
        WindowsState after = adapter.read();
        assertThat(after.ownedRules()).isEmpty();
        assertThat(foreign(after)).as("every rule that is not the agent's").isEqualTo(foreignBefore);
    }

    @Test
    void closedThenAllowFromThenEgressThenOpen() throws Exception {
        ApplyResult closed = adapter.apply(adapter.plan(adapter.read(), Desired.of(25, new Inbound.Closed())));
        assertThat(closed.converged()).isTrue();
        assertThat(closed.unmet()).isEmpty();
        assertThat(WindowsAdapter.notEnforced((WindowsState) closed.after())).isEmpty();
        for (IpFamily f : IpFamily.values()) {
            assertThat(closed.after().packetFilter().exposure(f, 25).level()).isEqualTo(Exposure.Level.CLOSED);
        }
        assertThat(adapter.plan(adapter.read(), Desired.of(25, new Inbound.Closed())).isEmpty()).isTrue();

        Desired allow = new Desired(Map.of(25, new Inbound.AllowFrom(List.of(Cidr.parse("198.18.0.0/15"),
                Cidr.parse("fd00::/8"))))).withOutbound(25, new Outbound.BlockedExcept(List.of(
                Cidr.parse("198.18.0.25/32"))));
        ApplyResult restricted = adapter.apply(adapter.plan(adapter.read(), allow));
        assertThat(restricted.converged()).isTrue();
        assertThat(restricted.unmet()).isEmpty();
        assertThat(restricted.after().packetFilter().exposure(IpFamily.IPV4, 25).allowedFrom())
                .containsExactly(Cidr.parse("198.18.0.0/15"));
        assertThat(restricted.after().packetFilter().exposure(IpFamily.IPV6, 25).allowedFrom())
                .containsExactly(Cidr.parse("fd00::/8"));
        assertThat(restricted.after().packetFilter().egress(IpFamily.IPV4, 25).allowedFrom())
                .containsExactly(Cidr.parse("198.18.0.25/32"));
        assertThat(restricted.after().ownedRules()).hasSize(4); // block and allow, inbound and egress

        // a replacement (ALLOW_FROM narrowed) goes through the -next rule and leaves none behind
        ApplyResult narrowed = adapter.apply(adapter.plan(adapter.read(), Desired.of(25, new Inbound.AllowFrom(
                List.of(Cidr.parse("198.18.0.0/16"))))));
        assertThat(narrowed.converged()).isTrue();
        assertThat(narrowed.after().ownedRules()).noneMatch(l -> l.contains(OwnedRules.NEXT));

        ApplyResult open = adapter.apply(adapter.plan(adapter.read(), Desired.of(25, new Inbound.Open())));
        assertThat(open.converged()).isTrue();
        assertThat(open.after().ownedRules()).isEmpty();
    }
}
