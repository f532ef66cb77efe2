package dev.port25.firewall.eval;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.AddrRange;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The evaluation's semantics on small rulesets. The iptables-save texts here are written by hand
 * in the format iptables-save 1.8.9 prints (recorded cases are in {@link PacketFilterCasesTest}).
 */
class PacketFilterTest {

    private static final InetAddress PEER = address("198.18.25.2");

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static PacketFilter handWritten(String ipv4Save, List<String> unread) {
        return PacketFilterReader.build(new PacketFilterReader.Snapshot(
                Map.of("iptables-legacy-save.txt", ipv4Save, "ip-link.txt", "2: eth0: <UP> mtu 1500\n"), unread));
    }

    private static String filter(String... rules) {
        return filterWithPolicy("ACCEPT", rules);
    }

    private static String filterWithPolicy(String input, String... rules) {
        return "*filter\n:INPUT " + input + " [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:CHECK - [0:0]\n"
                + String.join("\n", rules) + "\nCOMMIT\n";
    }

    private static Decision decide(PacketFilter f) {
        return f.decide(new Packet(PEER, Optional.of("eth0"), 25));
    }

    @Test
    void aRateLimitedDropIsUndecidableAndNamesTheRule() {
        Decision d = decide(handWritten(filter(
                "-A INPUT -p tcp -m tcp --dport 25 -m limit --limit 3/min -j DROP"), List.of()));
        assertThat(d.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(String.join("\n", d.notes())).contains("ACCEPT or DROP", "INPUT #1", "--limit 3/min");
    }

    @Test
    void aRateLimitedLogRuleChangesNothing() {
        Decision d = decide(handWritten(filter(
                "-A INPUT -p tcp -m tcp --dport 25 -m limit --limit 3/min -j LOG --log-prefix \"[x] \"",
                "-A INPUT -p tcp -m tcp --dport 25 -j REJECT --reject-with tcp-reset"), List.of()));
        assertThat(d.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(d.decidedBy().orElseThrow().where()).endsWith("filter INPUT #2");
    }

    @Test
    void anUndecidableRuleWhoseWaysAgreeDoesNotMakeTheVerdictUnknown() {
        Decision d = decide(handWritten(filter(
                "-A INPUT -m set --match-set blocklist src -j DROP",
                "-A INPUT -p tcp -m tcp --dport 25 -j DROP"), List.of()));
        assertThat(d.verdict()).isEqualTo(Verdict.DROP);
    }

    @Test
    void anIpsetMatchThatDecidesIsUnknownWithTheSetsName() {
        Decision d = decide(handWritten(filter("-A INPUT -m set --match-set blocklist src -j DROP"), List.of()));
        assertThat(d.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(String.join("\n", d.notes())).contains("ipset blocklist");
    }

    @Test
    void returnFromAUserChainContinuesInTheCaller() {
        PacketFilter f = handWritten(filter(
                "-A INPUT -j CHECK",
                "-A INPUT -p tcp -m tcp --dport 25 -j DROP",
                "-A CHECK -s 198.18.25.0/24 -j RETURN",
                "-A CHECK -p tcp -m tcp --dport 25 -j ACCEPT"), List.of());
        assertThat(decide(f).verdict()).as("the peer returns from CHECK and meets the DROP").isEqualTo(Verdict.DROP);
        Exposure e = f.exposure(IpFamily.IPV4, 25);
        assertThat(e.level()).isEqualTo(Exposure.Level.RESTRICTED);
        assertThat(e.allowedFrom()).doesNotContain(Cidr.parse("198.18.25.0/24")).hasSize(24);
    }

    @Test
    void aLayerNotReadTurnsAnAcceptIntoUnknownButABlockStands() {
        String unread = "nft is not installed but the nf_tables kernel module is loaded";
        assertThat(decide(handWritten(filter(), List.of(unread))).verdict()).isEqualTo(Verdict.UNKNOWN);
        Decision blocked = decide(handWritten(filter("-A INPUT -p tcp -m tcp --dport 25 -j DROP"), List.of(unread)));
        assertThat(blocked.verdict()).isEqualTo(Verdict.DROP);
        assertThat(blocked.notes()).anyMatch(n -> n.contains(unread));
    }

    @Test
    void anUnknownOptionIsUndecidableNotIgnored() {
        Decision d = decide(handWritten(filter("-A INPUT -p tcp --dport 25 --frobnicate 3 -j DROP"), List.of()));
        assertThat(d.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(String.join("\n", d.notes())).contains("--frobnicate");
    }

    @Test
    void synFlagMatchesFollowTheKernelsArithmetic() {
        // the SYN passes; every packet after it is no SYN and is dropped: the connection carries nothing
        assertThat(decide(handWritten(filter("-A INPUT -p tcp -m tcp ! --syn -j DROP"), List.of())).verdict())
                .isEqualTo(Verdict.DROP);
        assertThat(decide(handWritten(filter("-A INPUT -p tcp -m tcp --syn -j ACCEPT",
                "-A INPUT -p tcp -m tcp --tcp-flags SYN,ACK ACK -j ACCEPT", "-A INPUT -j DROP"), List.of())).verdict())
                .isEqualTo(Verdict.ACCEPT);
        assertThat(decide(handWritten(filter("-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP"),
                List.of())).verdict()).isEqualTo(Verdict.DROP);
        assertThat(decide(handWritten(filter("-A INPUT -p tcp -m tcp --tcp-flags SYN,ACK SYN,ACK -j DROP"),
                List.of())).verdict()).isEqualTo(Verdict.ACCEPT);
    }

    /**
     * The packets after the SYN: a rule that blocks them ends the connection after its handshake
     * (refused at once by a reset or an ICMP error, as the verdict fuzzer's peers meet it); a
     * chain that accepts only new connections drops the rest by its policy.
     */
    @Test
    void theConnectionCarriesSmtpOnlyIfThePacketsAfterTheSynPassToo() {
        Decision reset = decide(handWritten(filter("-A INPUT -p tcp -m tcp --dport 25 -m conntrack --ctstate "
                + "RELATED,ESTABLISHED -j REJECT --reject-with tcp-reset"), List.of()));
        assertThat(reset.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(reset.decidedBy().orElseThrow().toString()).contains("RELATED,ESTABLISHED");
        assertThat(reset.notes()).anyMatch(n -> n.contains("the connection opens and carries nothing"));
        assertThat(decide(handWritten(filter("-A INPUT -p tcp -m tcp --dport 25 -m conntrack --ctstate ESTABLISHED "
                + "-j REJECT --reject-with icmp-port-unreachable"), List.of())).verdict()).isEqualTo(Verdict.REJECT);
        assertThat(decide(handWritten(filter("-A INPUT -p tcp -m tcp --dport 25 -m conntrack --ctstate ESTABLISHED "
                + "-j DROP"), List.of())).verdict()).isEqualTo(Verdict.DROP);
        assertThat(decide(handWritten(filterWithPolicy("DROP", "-A INPUT -p tcp -m tcp --dport 25 -m conntrack "
                + "--ctstate NEW -j ACCEPT"), List.of())).verdict()).isEqualTo(Verdict.DROP);
        assertThat(decide(handWritten(filterWithPolicy("DROP", "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED "
                + "-j ACCEPT", "-A INPUT -p tcp -m tcp --dport 25 -m conntrack --ctstate NEW -j ACCEPT"), List.of()))
                .verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(decide(handWritten(filter("-A INPUT -p tcp -m tcp --dport 25 -m conntrack --ctstate INVALID "
                + "-j DROP"), List.of())).verdict()).as("a handshake's packets are never invalid").isEqualTo(Verdict.ACCEPT);
    }

    /**
     * An undecidable match (the source in an ipset) is one fact for every packet of the
     * connection: in the set, the SYN is accepted and the packets after it dropped; outside it,
     * the SYN is dropped. Either way DROP, not UNKNOWN from mixing the two.
     */
    @Test
    void anUndecidableMatchHoldsAlikeForTheSynAndThePacketsAfterIt() {
        Decision d = decide(handWritten(filter("-A INPUT -m set --match-set office src -j CHECK",
                "-A INPUT -m conntrack --ctstate NEW -j DROP",
                "-A CHECK -m conntrack --ctstate NEW -j ACCEPT", "-A CHECK -j DROP"), List.of()));
        assertThat(d.verdict()).as(d.toString()).isEqualTo(Verdict.DROP);
        Decision status = decide(handWritten(filterWithPolicy("DROP", "-A INPUT -m conntrack --ctstatus "
                + "SEEN_REPLY -j ACCEPT", "-A INPUT -p tcp -m tcp --dport 25 -m conntrack --ctstate NEW -j ACCEPT"),
                List.of()));
        assertThat(status.verdict()).as("the packets after the SYN belong to a connection that has seen the reply")
                .isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void aSourcePortMatchHoldsOnlyWhenItCoversEveryPortAClientCanUse() {
        assertThat(decide(handWritten(filter("-A INPUT -p tcp -m multiport --dports 25 -m multiport --sports 1:65535 "
                + "-j DROP"), List.of())).verdict()).as("ufw's 'port 1:65535'").isEqualTo(Verdict.DROP);
        Decision some = decide(handWritten(filter("-A INPUT -p tcp -m tcp --sport 1024:65535 --dport 25 -j DROP"),
                List.of()));
        assertThat(some.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(String.join("\n", some.notes())).contains("client's source port");
    }

    @Test
    void quotedCommentsStayOneWord() {
        assertThat(XtablesRules.tokens("-p tcp -m comment --comment \"port25-agent a \\\"b\\\"\" -j DROP"))
                .containsExactly("-p", "tcp", "-m", "comment", "--comment", "port25-agent a \"b\"", "-j", "DROP");
    }

    @Test
    void rangesBecomeTheFewestCidrs() {
        AddrRange r = new AddrRange(IpFamily.IPV4, AddrRange.number(address("198.18.25.3")),
                AddrRange.number(address("198.18.25.10")));
        assertThat(r.cidrs()).extracting(Cidr::toString)
                .containsExactly("198.18.25.3/32", "198.18.25.4/30", "198.18.25.8/31", "198.18.25.10/32");
        assertThat(AddrRange.all(IpFamily.IPV6).cidrs()).extracting(Cidr::prefix).containsExactly(0);
        assertThat(AddrRange.address(IpFamily.IPV4, BigInteger.ONE).getHostAddress()).isEqualTo("0.0.0.1");
    }

    @Test
    void aMissingToolIsAnUnreadLayerOnlyWhenItsModuleIsLoaded(@TempDir Path sys) throws Exception {
        // env with an empty PATH: every tool is missing, as on a host without them
        CommandRunner noTools = new CommandRunner().withPrefix(List.of("env", "PATH=/nonexistent"));
        PacketFilter none = new PacketFilterReader(noTools, sys).read();
        assertThat(none.unread()).isEmpty();
        assertThat(none.decide(new Packet(PEER, Optional.empty(), 25)).verdict()).isEqualTo(Verdict.ACCEPT);

        Files.createDirectories(sys.resolve("nf_tables"));
        PacketFilter loaded = new PacketFilterReader(noTools, sys).read();
        assertThat(loaded.unread()).hasSize(3).allMatch(u -> u.contains("nf_tables kernel module is loaded"));
        assertThat(loaded.decide(new Packet(PEER, Optional.empty(), 25)).verdict()).isEqualTo(Verdict.UNKNOWN);
    }
}
