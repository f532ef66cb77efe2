package dev.port25.firewall;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.firewalld.FirewalldRecordedStates;
import dev.port25.firewall.iptables.IptablesRecordedStates;
import dev.port25.firewall.nftables.NftablesRecordedStates;
import dev.port25.firewall.spi.Change;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Detection;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallAdapterProvider;
import dev.port25.firewall.spi.FirewallState;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.testing.Prerequisites;
import dev.port25.firewall.ufw.UfwRecordedStates;
import dev.port25.firewall.windows.WindowsRecordedStates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every provider on the ServiceLoader path, over the same case names: the plans from states
 * recorded from the real tools (port25-open, port25-closed, foreign-rule, drifted; Windows' are
 * written by hand, as no Windows runs here), and live detection where the tool is missing
 * (not-installed) or may not read the ruleset (inactive: the Linux backends, whose privilege is
 * CAP_NET_ADMIN; Windows' administrator check is WindowsAdapterAgainstAStandInPowerShellTest's).
 * A backend without recorded cases fails here.
 */
class ConformanceTest {

    private static final Desired CLOSED = Desired.of(25, new Inbound.Closed());
    private static final Desired OPEN = Desired.of(25, new Inbound.Open());

    private static final Map<String, RecordedStates> RECORDED = Map.of(
            "firewalld", new FirewalldRecordedStates(),
            "nftables", new NftablesRecordedStates(),
            "iptables", new IptablesRecordedStates(),
            "ufw", new UfwRecordedStates(),
            "windows", new WindowsRecordedStates()); // written by hand: no Windows here

    static List<FirewallAdapterProvider> providers() {
        return StreamSupport.stream(ServiceLoader.load(FirewallAdapterProvider.class).spliterator(), false).toList();
    }

    @Test
    void everyProviderHasRecordedCasesAndADistinctIdAndPriority() {
        List<FirewallAdapterProvider> all = providers();
        assertThat(all).isNotEmpty();
        assertThat(new TreeSet<>(RECORDED.keySet())).isEqualTo(new TreeSet<>(all.stream().map(FirewallAdapterProvider::id).toList()));
        assertThat(all.stream().map(FirewallAdapterProvider::priority).distinct().count()).isEqualTo(all.size());
    }

    private static FirewallAdapter adapter(FirewallAdapterProvider p) {
        return RECORDED.get(p.id()).adapter();
    }

    private static FirewallState recorded(FirewallAdapterProvider p, String caseName) throws Exception {
        FirewallState s = RECORDED.get(p.id()).load(caseName);
        assertThat(s.backend()).isEqualTo(p.id());
        return s;
    }

    @ParameterizedTest
    @MethodSource("providers")
    void port25Open(FirewallAdapterProvider p) throws Exception {
        FirewallState s = recorded(p, "port25-open");
        assertThat(s.ownedRules()).isEmpty();
        assertThat(adapter(p).plan(s, OPEN).isEmpty()).isTrue();
        assertThat(adapter(p).plan(s, CLOSED).changes()).isNotEmpty().allMatch(c -> c instanceof Change.Add);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void port25ClosedIsIdempotentAndOpenOnlyRemoves(FirewallAdapterProvider p) throws Exception {
        FirewallState s = recorded(p, "port25-closed");
        assertThat(s.ownedRules()).isNotEmpty().allMatch(l -> !l.contains("foreign"));
        assertThat(adapter(p).plan(s, CLOSED).isEmpty()).as("the same desired state plans nothing").isTrue();
        assertThat(adapter(p).plan(s, OPEN).changes()).isNotEmpty().allMatch(c -> c instanceof Change.Remove);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void foreignRuleIsNeverOurs(FirewallAdapterProvider p) throws Exception {
        FirewallState s = recorded(p, "foreign-rule");
        assertThat(s.ownedRules()).isEmpty();
        assertThat(adapter(p).plan(s, OPEN).isEmpty()).as("OPEN never touches a foreign rule").isTrue();
        assertThat(adapter(p).plan(s, CLOSED).changes()).allMatch(c -> c instanceof Change.Add);
    }

    @ParameterizedTest
    @MethodSource("providers")
    void driftedIsRepaired(FirewallAdapterProvider p) throws Exception {
        FirewallState s = recorded(p, "drifted");
        List<Change> repair = adapter(p).plan(s, CLOSED).changes();
        // Restores rules (a backend may first remove what is left of its own, as ufw does by number).
        assertThat(repair).isNotEmpty().anyMatch(c -> c instanceof Change.Add || c instanceof Change.Replace);
        for (Change c : repair) {
            assertThat(c.commands()).allSatisfy(cmd -> assertThat(String.join(" ", cmd.argv())).doesNotContain(" -F INPUT", "flush ruleset"));
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void notInstalled(FirewallAdapterProvider p) {
        Prerequisites.require("env");
        Detection d = p.create(new CommandRunner().withPrefix(List.of("env", "PATH=/nonexistent-port25"))).detect();
        assertThat(d.installed()).isFalse();
        assertThat(d.active()).isFalse();
        assertThat(d.detail()).contains("install");
    }

    static List<FirewallAdapterProvider> linuxProviders() {
        return providers().stream().filter(p -> !p.id().equals("windows")).toList();
    }

    @ParameterizedTest
    @MethodSource("linuxProviders")
    void inactiveWithoutPrivilege(FirewallAdapterProvider p) {
        Prerequisites.require("setpriv", "nft", "iptables", "ufw", "firewall-cmd");
        Detection d = p.create(new CommandRunner().withPrefix(
                List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"))).detect();
        assertThat(d.installed()).as(d.detail()).isTrue();
        assertThat(d.active()).as(d.detail()).isFalse();
        assertThat(d.detail()).contains("CAP_NET_ADMIN");
    }
}
