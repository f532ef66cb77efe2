package dev.port25.firewall.iptables;

import dev.port25.firewall.eval.RecordedFilters;
import dev.port25.firewall.eval.XtablesSave;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.Change;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;
import dev.port25.firewall.spi.Plan;
import dev.port25.firewall.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parser and plan over {@code -save} output recorded from iptables 1.8.9 (nf_tables variant in
 * use) in namespaces; see each case's source.txt. The exact restore scripts are what the netns
 * test ran against the real tools.
 */
class IptablesCasesTest {

    private final IptablesRecordedStates recorded = new IptablesRecordedStates();
    private final IptablesAdapter adapter = (IptablesAdapter) recorded.adapter();

    private static String stdin(Change c) {
        return new String(c.commands().get(0).stdin(), StandardCharsets.UTF_8);
    }

    @Test
    void closedCreatesTheChainAndTheFirstJumpPerFamily() throws Exception {
        Plan p = adapter.plan(recorded.load("port25-open"), Desired.of(25, new Inbound.Closed()));
        assertThat(p.changes()).hasSize(2);
        assertThat(p.changes().get(0).commands().get(0).argv()).containsExactly("iptables-nft-restore", "-w", "--noflush");
        assertThat(p.changes().get(1).commands().get(0).argv()).containsExactly("ip6tables-nft-restore", "-w", "--noflush");
        assertThat(stdin(p.changes().get(0))).isEqualTo("""
                *filter
                :PORT25-AGENT - [0:0]
                -A PORT25-AGENT -i lo -p tcp -m tcp --dport 25 -m comment --comment "port25-agent tcp/25 loopback #958ad301686a" -j RETURN
                -A PORT25-AGENT -p tcp -m tcp --dport 25 -m comment --comment "port25-agent tcp/25 drop #958ad301686a" -j DROP
                -I INPUT 1 -m comment --comment port25-agent -j PORT25-AGENT
                COMMIT
                """);
    }

    @Test
    void whereDockerIsItsPublishedPortsAreClosedFromDockerUserAndNowhereElse() throws Exception {
        // Docker's filter table as VerdictTruthIT recorded it (eval/docker-user-drop), both families
        IptablesState open = recorded.load("port25-open");
        Map<String, XtablesSave.Table> dumps = new LinkedHashMap<>(open.dumps());
        XtablesSave.Table docker = XtablesSave.parse(Fixtures.text("/eval/docker-user-drop/iptables-nft-save.txt")
                .lines().toList()).table("filter");
        dumps.put(IptablesState.key(IptablesVariant.NFT, false), docker);
        IptablesState withDocker = new IptablesState(IptablesVariant.NFT, dumps, Map.of(), open.packetFilter());
        Plan p = adapter.plan(withDocker, Desired.of(25, new Inbound.Closed()));
        // IPv4: INPUT's chain, then the published ports' chain from DOCKER-USER; IPv6 has no DOCKER-USER
        assertThat(p.changes()).hasSize(3);
        assertThat(stdin(p.changes().get(1))).isEqualTo("""
                *filter
                :PORT25-AGENT-PUB - [0:0]
                -A PORT25-AGENT-PUB -p tcp -m tcp --dport 25 -m conntrack --ctstate DNAT --ctdir ORIGINAL -m comment --comment "port25-agent published tcp/25 drop #31c69a72f941" -j DROP
                -A PORT25-AGENT-PUB -p tcp -m conntrack --ctstate DNAT --ctorigdstport 25 --ctdir ORIGINAL -m comment --comment "port25-agent published tcp/25 drop original #31c69a72f941" -j DROP
                -I DOCKER-USER 1 -m comment --comment port25-agent -j PORT25-AGENT-PUB
                COMMIT
                """);
        assertThat(p.changes().get(2).commands().get(0).argv()).startsWith("ip6tables-nft-restore");
        assertThat(stdin(p.changes().get(2))).doesNotContain("PORT25-AGENT-PUB");
    }

    /** ufw's host: the published ports' chain alone, hooked exactly as the iptables backend hooks it. */
    @Test
    void thePublishedChainAloneClosesDockersPortsAndNothingElse() throws Exception {
        IptablesState open = recorded.load("port25-open");
        Map<String, XtablesSave.Table> dumps = new LinkedHashMap<>(open.dumps());
        dumps.put(IptablesState.key(IptablesVariant.NFT, false), XtablesSave.parse(
                Fixtures.text("/eval/docker-user-drop/iptables-nft-save.txt").lines().toList()).table("filter"));
        PublishedChain.State docker = new PublishedChain.State(new IptablesState(IptablesVariant.NFT, dumps, Map.of(),
                open.packetFilter()));
        List<Change> closed = PublishedChain.plan(docker, Desired.of(25, new Inbound.Closed()));
        assertThat(closed).singleElement().satisfies(c -> {
            assertThat(c.commands().get(0).argv()).containsExactly("iptables-nft-restore", "-w", "--noflush");
            assertThat(stdin(c)).contains(":PORT25-AGENT-PUB - [0:0]", "-I DOCKER-USER 1 -m comment --comment port25-agent "
                    + "-j PORT25-AGENT-PUB").doesNotContain("INPUT", "PORT25-AGENT ");
        });
        assertThat(docker.ownedRules()).isEmpty();
        assertThat(PublishedChain.plan(docker, Desired.of(25, new Inbound.Open()))).isEmpty();
        // nothing read (a recorded ufw case): nothing published, nothing to do
        assertThat(PublishedChain.plan(PublishedChain.none(open.packetFilter()), Desired.of(25, new Inbound.Closed())))
                .isEmpty();
    }

    /**
     * No DOCKER-USER but a DNAT (netavark's, CNI's, dockerd 20.10's for IPv6): the published ports'
     * chain is jumped to from the top of FORWARD, in the family that translates only; once Docker
     * makes DOCKER-USER, the jump moves there.
     */
    @Test
    void withoutDockerUserAPublishingHostsPortsAreClosedFromTheTopOfForward() throws Exception {
        IptablesState open = recorded.load("port25-open");
        // the host's layers: Docker's IPv4 DNAT to 198.19.0.2:25 (eval/docker-published-port-bypasses-input)
        IptablesState translating = new IptablesState(IptablesVariant.NFT, open.dumps(), Map.of(),
                RecordedFilters.load("docker-published-port-bypasses-input"));
        Plan p = adapter.plan(translating, Desired.of(25, new Inbound.Closed()));
        assertThat(p.changes()).extracting(Change::description).containsExactly(
                "create the agent's chain PORT25-AGENT (IPv4, iptables-nft) and jump to it first in INPUT",
                "create the agent's chain PORT25-AGENT-PUB (IPv4, iptables-nft) and jump to it first in FORWARD",
                "create the agent's chain PORT25-AGENT (IPv6, iptables-nft) and jump to it first in INPUT");
        assertThat(stdin(p.changes().get(1))).isEqualTo("""
                *filter
                :PORT25-AGENT-PUB - [0:0]
                -A PORT25-AGENT-PUB -p tcp -m tcp --dport 25 -m conntrack --ctstate DNAT --ctdir ORIGINAL -m comment --comment "port25-agent published tcp/25 drop #31c69a72f941" -j DROP
                -A PORT25-AGENT-PUB -p tcp -m conntrack --ctstate DNAT --ctorigdstport 25 --ctdir ORIGINAL -m comment --comment "port25-agent published tcp/25 drop original #31c69a72f941" -j DROP
                -I FORWARD 1 -m comment --comment port25-agent -j PORT25-AGENT-PUB
                COMMIT
                """);
        assertThat(adapter.plan(open, Desired.of(25, new Inbound.Closed())).changes()).as("nothing translates")
                .noneMatch(c -> c.description().contains("PORT25-AGENT-PUB"));

        // in place from FORWARD; then dockerd makes DOCKER-USER: the jump moves there, in one restore
        String inForward = """
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD ACCEPT [0:0]
                :OUTPUT ACCEPT [0:0]
                :PORT25-AGENT - [0:0]
                :PORT25-AGENT-PUB - [0:0]
                -A INPUT -m comment --comment port25-agent -j PORT25-AGENT
                -A FORWARD -m comment --comment port25-agent -j PORT25-AGENT-PUB
                -A PORT25-AGENT -i lo -p tcp -m tcp --dport 25 -m comment --comment "port25-agent tcp/25 loopback #958ad301686a" -j RETURN
                -A PORT25-AGENT -p tcp -m tcp --dport 25 -m comment --comment "port25-agent tcp/25 drop #958ad301686a" -j DROP
                -A PORT25-AGENT-PUB -p tcp -m tcp --dport 25 -m conntrack --ctstate DNAT --ctdir ORIGINAL -m comment --comment "port25-agent published tcp/25 drop #31c69a72f941" -j DROP
                -A PORT25-AGENT-PUB -p tcp -m conntrack --ctstate DNAT --ctorigdstport 25 --ctdir ORIGINAL -m comment --comment "port25-agent published tcp/25 drop original #31c69a72f941" -j DROP
                COMMIT
                """;
        Map<String, XtablesSave.Table> dumps = new LinkedHashMap<>(recorded.load("port25-closed").dumps());
        dumps.put(IptablesState.key(IptablesVariant.NFT, false), XtablesSave.parse(inForward.lines().toList()).table("filter"));
        IptablesState enforced = new IptablesState(IptablesVariant.NFT, dumps, Map.of(), translating.packetFilter());
        assertThat(enforced.owned(IptablesVariant.NFT, false, IptablesState.Hook.PUBLISHED))
                .startsWith("ipv4 FORWARD#1 -j PORT25-AGENT-PUB");
        assertThat(adapter.plan(enforced, Desired.of(25, new Inbound.Closed())).isEmpty()).as("in place").isTrue();
        String docker = inForward.replace(":PORT25-AGENT - [0:0]\n", ":DOCKER-USER - [0:0]\n:PORT25-AGENT - [0:0]\n")
                .replace("-A FORWARD -m comment", "-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -j RETURN\n-A FORWARD -m comment");
        dumps.put(IptablesState.key(IptablesVariant.NFT, false), XtablesSave.parse(docker.lines().toList()).table("filter"));
        Plan moved = adapter.plan(new IptablesState(IptablesVariant.NFT, dumps, Map.of(), translating.packetFilter()),
                Desired.of(25, new Inbound.Closed()));
        assertThat(moved.changes()).singleElement().satisfies(c -> assertThat(stdin(c)).endsWith("""
                -D FORWARD -m comment --comment port25-agent -j PORT25-AGENT-PUB
                -I DOCKER-USER 1 -m comment --comment port25-agent -j PORT25-AGENT-PUB
                COMMIT
                """));
    }

    @Test
    void recordedClosedStateReadsBackAsRendered() throws Exception {
        IptablesState s = recorded.load("port25-closed");
        assertThat(s.inUse()).isEqualTo(IptablesVariant.NFT);
        assertThat(s.ownedRules()).containsExactly(
                "ipv4 INPUT#1 -j PORT25-AGENT", "ipv4 chain PORT25-AGENT",
                "ipv4 PORT25-AGENT: port25-agent tcp/25 loopback #958ad301686a",
                "ipv4 PORT25-AGENT: port25-agent tcp/25 drop #958ad301686a",
                "ipv6 INPUT#1 -j PORT25-AGENT", "ipv6 chain PORT25-AGENT",
                "ipv6 PORT25-AGENT: port25-agent tcp/25 loopback #958ad301686a",
                "ipv6 PORT25-AGENT: port25-agent tcp/25 drop #958ad301686a");
        Plan open = adapter.plan(s, Desired.of(25, new Inbound.Open()));
        assertThat(open.changes().get(0).commands()).extracting(c -> String.join(" ", c.argv())).containsExactly(
                "iptables-nft -w -D INPUT -m comment --comment port25-agent -j PORT25-AGENT",
                "iptables-nft -w -F PORT25-AGENT",
                "iptables-nft -w -X PORT25-AGENT");
    }

    /**
     * The agent's chains were all a family's iptables-nft filter table held: undo deletes the
     * table too, so that a host without iptables tables has none again (found by EnforceFuzzIT).
     * Only where the nft ruleset read shows the table: in the recorded layers only the IPv4 table
     * exists, and without nft nothing tells that a table exists at all.
     */
    @Test
    void theFilterTableThatHeldOnlyTheAgentsChainGoesWithIt() throws Exception {
        IptablesState closed = recorded.load("port25-closed");
        IptablesState withLayers = new IptablesState(closed.inUse(), closed.dumps(), Map.of(),
                RecordedFilters.load("iptables-nft-ipv4-only-drop"));
        Plan open = adapter.plan(withLayers, Desired.of(25, new Inbound.Open()));
        assertThat(open.changes()).extracting(c -> c.commands().stream().map(x -> String.join(" ", x.argv())).toList())
                .containsExactly(
                        List.of("iptables-nft -w -D INPUT -m comment --comment port25-agent -j PORT25-AGENT",
                                "iptables-nft -w -F PORT25-AGENT", "iptables-nft -w -X PORT25-AGENT"),
                        List.of("nft -f -"),
                        List.of("ip6tables-nft -w -D INPUT -m comment --comment port25-agent -j PORT25-AGENT",
                                "ip6tables-nft -w -F PORT25-AGENT", "ip6tables-nft -w -X PORT25-AGENT"));
        assertThat(new String(open.changes().get(1).commands().get(0).stdin(), StandardCharsets.UTF_8))
                .as("each built-in chain the nft ruleset shows, then the table, in one transaction")
                .isEqualTo("delete chain ip filter INPUT\ndelete table ip filter\n");
        assertThat(adapter.plan(closed, Desired.of(25, new Inbound.Open())).changes())
                .as("the nft ruleset not read: no table is known to exist").hasSize(2);
        assertThat(adapter.plan(withLayers, Desired.of(25, new Inbound.Closed())).isEmpty())
                .as("while the agent's chain stays, the table stays").isTrue();
        IptablesState foreign = recorded.load("foreign-rule");
        assertThat(foreign.onlyOurs(IptablesVariant.NFT, false)).as("an admin's rule keeps the table").isFalse();
    }

    @Test
    void driftInOneFamilyRepairsOnlyThatFamily() throws Exception {
        Plan p = adapter.plan(recorded.load("drifted"), Desired.of(25, new Inbound.Closed()));
        assertThat(p.changes()).singleElement().isInstanceOf(Change.Replace.class);
        assertThat(p.changes().get(0).description()).contains("IPv4");
        assertThat(stdin(p.changes().get(0))).contains("-I INPUT 1 -m comment --comment port25-agent -j PORT25-AGENT");
    }

    @Test
    void allowFromReturnsListedSourcesToInputAndDropsTheRest() {
        Desired allow = Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse("198.18.0.0/15"), Cidr.parse("fd00::/8"))));
        List<String> v4 = IptablesAdapter.ruleSpecs(allow, false);
        List<String> v6 = IptablesAdapter.ruleSpecs(allow, true);
        assertThat(v4).hasSize(3);
        assertThat(v4.get(0)).as("this host talking to itself is not exposure")
                .startsWith("-i lo -p tcp -m tcp --dport 25 ").endsWith("-j RETURN");
        assertThat(v4.get(1)).startsWith("-s 198.18.0.0/15 -p tcp -m tcp --dport 25 ").endsWith("-j RETURN");
        assertThat(v4.get(2)).startsWith("-p tcp -m tcp --dport 25 ").endsWith("-j DROP");
        assertThat(v6.get(1)).startsWith("-s fd00::/8 ");
        assertThat(v4.get(2)).as("each family's digest covers its own rendering").isNotEqualTo(v6.get(2));
    }

    @Test
    void saveParserReadsCommentsQuotedOrNotAndTargets() {
        XtablesSave.Table save = XtablesSave.parse(List.of("*nat", "-A PREROUTING -j DOCKER", "COMMIT", "*filter",
                ":INPUT DROP [12:345]", ":X - [0:0]",
                "[3:180] -A INPUT -m comment --comment plain -j X",
                "-A X -m comment --comment \"with \\\"quotes\\\" inside\" -g Y", "COMMIT")).table("filter");
        assertThat(save.chains()).containsEntry("INPUT", "DROP").containsEntry("X", "-");
        assertThat(save.rules()).hasSize(2);
        assertThat(save.rules().get(0).comment()).contains("plain");
        assertThat(save.rules().get(0).target()).contains("X");
        assertThat(save.rules().get(1).comment()).contains("with \"quotes\" inside");
        assertThat(save.rules().get(1).target()).contains("Y");
        assertThat(save.rules().get(1).position()).isEqualTo(1);
    }

    @Test
    void egressGetsItsOwnChainFromOutputWithLoopbackAndRelaysBeforeTheReject() throws Exception {
        Plan p = adapter.plan(recorded.load("port25-open"), new Desired(Map.of()).withOutbound(25, new Outbound.BlockedExcept(
                List.of(Cidr.parse("fd00:25::2")))));
        assertThat(p.changes()).hasSize(2);
        assertThat(stdin(p.changes().get(0))).isEqualTo("""
                *filter
                :PORT25-AGENT-OUT - [0:0]
                -A PORT25-AGENT-OUT -o lo -p tcp -m tcp --dport 25 -m comment --comment "port25-agent egress tcp/25 loopback #4d3f91da651d" -j RETURN
                -A PORT25-AGENT-OUT -p tcp -m tcp --dport 25 -m comment --comment "port25-agent egress tcp/25 reject #4d3f91da651d" -j REJECT --reject-with tcp-reset
                -I OUTPUT 1 -m comment --comment port25-agent -j PORT25-AGENT-OUT
                COMMIT
                """);
        assertThat(stdin(p.changes().get(1))).contains(
                "-A PORT25-AGENT-OUT -d fd00:25::2/128 -p tcp -m tcp --dport 25 -m comment --comment \"port25-agent egress tcp/25 relay fd00:25::2/128 #");
    }
}
