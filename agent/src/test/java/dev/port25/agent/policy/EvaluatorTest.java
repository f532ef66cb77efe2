package dev.port25.agent.policy;

import dev.port25.agent.facts.Facts;
import dev.port25.agent.facts.RoleResolver;
import dev.port25.agent.finding.Finding;
import dev.port25.agent.finding.FindingKind;
import dev.port25.agent.inventory.Container;
import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventorySource;
import dev.port25.agent.inventory.Listener;
import dev.port25.agent.inventory.NetNamespace;
import dev.port25.agent.inventory.Owner;
import dev.port25.agent.inventory.Protocol;
import dev.port25.agent.settings.Role;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.settings.SettingsLoader;
import dev.port25.agent.settings.SettingsLoaderTest;
import dev.port25.agent.smtp.LocalSmtpAudit;
import dev.port25.agent.smtp.SmtpProbeResult;
import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.eval.RecordedFilters;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Policy tables: role x listeners x firewall state -> verdict and findings. The firewall states
 * are the rule sets {@code VerdictTruthIT} recorded from real tools (the firewall-adapters
 * test-jar), read by the same PacketFilter the agent uses; the listeners are the sockets the
 * Postfix instances of the netns tests hold.
 */
public class EvaluatorTest {

    static final Owner MASTER = new Owner(4242, "master", Optional.of("/usr/lib/postfix/sbin/master"),
            Optional.of("root"), OptionalInt.of(0));

    public static Listener tcp(String address, Optional<Boolean> v6only) throws Exception {
        InetAddress a = InetAddress.getByName(address);
        return new Listener(Protocol.TCP, a.getAddress().length == 16 ? Family.IPV6 : Family.IPV4, a, 25, v6only,
                Optional.empty(), OptionalInt.of(0), OptionalLong.of(1000), List.of(MASTER), Optional.empty());
    }

    static final List<Listener> NOTHING = List.of();
    static final List<Listener> LOOPBACK;
    static final List<Listener> WILDCARD; // Postfix inet_interfaces = all: 0.0.0.0 and [::] v6only
    static final List<Listener> WILDCARD_V4;
    static final List<Listener> UDP;

    static {
        try {
            LOOPBACK = List.of(tcp("127.0.0.1", Optional.empty()));
            WILDCARD = List.of(tcp("0.0.0.0", Optional.empty()), tcp("::", Optional.of(true)));
            WILDCARD_V4 = List.of(tcp("0.0.0.0", Optional.empty()));
            InetAddress any = InetAddress.getByName("0.0.0.0");
            UDP = List.of(new Listener(Protocol.UDP, Family.IPV4, any, 25, Optional.empty(), Optional.empty(),
                    OptionalInt.of(0), OptionalLong.of(1001), List.of(), Optional.empty()));
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static Settings settings(String yaml) throws Exception {
        return SettingsLoader.parse(yaml, "test.yml");
    }

    /** The recorded case's exposures of port 25, inbound and outbound, as the agent reads them. */
    static Facts.Result<Facts.FirewallView> recorded(String name) throws Exception {
        return recorded(name, List.of(25));
    }

    /** The recorded case's exposures of {@code ports}, inbound and outbound, as the agent reads them. */
    public static Facts.Result<Facts.FirewallView> recorded(String name, List<Integer> ports) throws Exception {
        PacketFilter filter = RecordedFilters.load(name);
        Map<Integer, Map<IpFamily, Exposure>> in = new HashMap<>();
        Map<Integer, Map<IpFamily, Exposure>> out = new HashMap<>();
        for (int port : ports) {
            in.put(port, new EnumMap<>(IpFamily.class));
            out.put(port, new EnumMap<>(IpFamily.class));
            for (IpFamily f : IpFamily.values()) {
                in.get(port).put(f, filter.exposure(f, port));
                out.get(port).put(f, filter.egress(f, port));
            }
        }
        return Facts.Result.of(new Facts.FirewallView(Optional.of("nftables"), in, out, filter.unread()));
    }

    record Row(String name, Role role, String yaml, List<Listener> listeners, String firewall, Verdict verdict,
               List<String> findings) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String RELAY_NETS = "roles:\n  relay:\n    allowFrom: [198.18.25.0/30, \"fd00:25::/126\"]\n";

    static Stream<Row> table() {
        return Stream.of(
                new Row("NONE, nothing listens, no rules", Role.NONE, "", NOTHING, "no-rules", Verdict.OK,
                        List.of("P25-003 LOW", "P25-003 LOW")),
                new Row("NONE, loopback-only listener, no rules", Role.NONE, "", LOOPBACK, "no-rules", Verdict.OK,
                        List.of("P25-003 LOW", "P25-003 LOW")),
                new Row("NONE, loopback listener not allowed", Role.NONE,
                        "roles:\n  none:\n    allowLoopbackListener: false\n", LOOPBACK, "no-rules", Verdict.WARNING,
                        List.of("P25-002 MEDIUM", "P25-003 LOW", "P25-003 LOW")),
                new Row("NONE, wildcard, no rules", Role.NONE, "", WILDCARD, "no-rules", Verdict.CRITICAL,
                        List.of("P25-001 CRITICAL", "P25-001 CRITICAL", "P25-003 MEDIUM", "P25-003 MEDIUM")),
                new Row("NONE, wildcard, firewall drops both families", Role.NONE, "", WILDCARD,
                        "legacy-drop-under-nft-accept", Verdict.WARNING, List.of("P25-001 MEDIUM", "P25-001 MEDIUM")),
                new Row("NONE, wildcard, firewall drops IPv4 only", Role.NONE, "", WILDCARD,
                        "iptables-nft-ipv4-only-drop", Verdict.CRITICAL,
                        List.of("P25-001 CRITICAL", "P25-001 MEDIUM", "P25-003 MEDIUM")),
                new Row("NONE, IPv4 wildcard, firewall drops IPv4 only", Role.NONE, "", WILDCARD_V4,
                        "iptables-nft-ipv4-only-drop", Verdict.WARNING, List.of("P25-001 MEDIUM", "P25-003 MEDIUM")),
                new Row("NONE, wildcard, firewall not readable: not verifiably blocked", Role.NONE, "", WILDCARD, null,
                        Verdict.CRITICAL, List.of("P25-001 CRITICAL", "P25-001 CRITICAL", "P25-010 HIGH",
                        "P25-010 HIGH", "P25-010 HIGH")),
                new Row("NONE, nothing listens, firewall not readable: never OK", Role.NONE, "", LOOPBACK, null,
                        Verdict.UNKNOWN, List.of("P25-010 HIGH", "P25-010 HIGH", "P25-010 HIGH")),
                new Row("NONE, UDP socket on 25", Role.NONE, "", UDP, "legacy-drop-under-nft-accept", Verdict.WARNING,
                        List.of("P25-009 MEDIUM")),
                new Row("NONE, egress block asked for, no rules", Role.NONE, "roles:\n  none:\n    blockEgress: true\n",
                        NOTHING, "legacy-drop-under-nft-accept", Verdict.WARNING,
                        List.of("P25-004 MEDIUM", "P25-004 MEDIUM")),
                new Row("RELAY, wildcard, no rules", Role.RELAY, RELAY_NETS, WILDCARD, "no-rules", Verdict.WARNING,
                        List.of("P25-005 HIGH", "P25-005 HIGH")),
                new Row("RELAY, wildcard, firewall allows only its networks", Role.RELAY, RELAY_NETS, WILDCARD,
                        "iptables-nft-allow-from-peer-net", Verdict.OK, List.of()),
                new Row("RELAY, wildcard, firewall allows another host", Role.RELAY,
                        "roles:\n  relay:\n    allowFrom: [198.18.25.0/30]\n", WILDCARD_V4, "nft-allow-from-other-host",
                        Verdict.WARNING, List.of("P25-005 HIGH")),
                new Row("RELAY without networks", Role.RELAY, "", WILDCARD, "legacy-drop-under-nft-accept",
                        Verdict.WARNING, List.of("P25-006 MEDIUM")),
                new Row("MAIL_SERVER, wildcard, no rules", Role.MAIL_SERVER, "", WILDCARD, "no-rules", Verdict.OK,
                        List.of()),
                new Row("MAIL_SERVER, wildcard, firewall drops both", Role.MAIL_SERVER, "", WILDCARD,
                        "legacy-drop-under-nft-accept", Verdict.WARNING, List.of("P25-008 HIGH", "P25-008 HIGH")),
                new Row("MAIL_SERVER, nothing listens", Role.MAIL_SERVER, "", NOTHING, "no-rules", Verdict.WARNING,
                        List.of("P25-007 HIGH")),
                new Row("MAIL_SERVER, loopback only", Role.MAIL_SERVER, "", LOOPBACK, "no-rules", Verdict.WARNING,
                        List.of("P25-007 HIGH")));
    }

    static Assessment evaluate(Role role, Settings s, List<Listener> listeners,
                               Facts.Result<Facts.FirewallView> fw, Optional<List<LocalSmtpAudit.Report>> smtp) {
        Inventory inv = new Inventory(InventorySource.NETLINK, Set.of(25), listeners, List.of());
        return Evaluator.evaluate(new Facts("test-host", new RoleResolver.Decision(role, "test"), s, Facts.Result.of(inv), fw, smtp));
    }

    static List<String> ids(Assessment a) {
        return a.findings().stream().map(f -> f.kind().id() + " " + f.severity()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void policyTable(Row row) throws Exception {
        Facts.Result<Facts.FirewallView> fw = row.firewall() == null
                ? Facts.Result.failed("nft: Operation not permitted") : recorded(row.firewall());
        Assessment a = evaluate(row.role(), settings(row.yaml()), row.listeners(), fw, Optional.empty());
        assertThat(ids(a)).as(a.findings().toString()).containsExactlyElementsOf(row.findings());
        assertThat(a.verdict()).as(a.findings().toString()).isEqualTo(row.verdict());
    }

    @Test
    void aFailedInventoryIsUnknownNeverOk() throws Exception {
        Assessment a = Evaluator.evaluate(new Facts("test-host", new RoleResolver.Decision(Role.NONE, "test"), Settings.defaults(),
                Facts.Result.failed("netlink: EPERM"), recorded("legacy-drop-under-nft-accept"), Optional.empty()));
        assertThat(a.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(ids(a)).containsExactly("P25-011 HIGH");
    }

    static Facts.Namespace other(String name, List<Listener> listeners, List<String> interfaces,
                                 Facts.Result<Facts.FirewallView> fw) {
        return new Facts.Namespace(new NetNamespace(name, OptionalLong.of(4026532000L + name.length()), List.of(),
                List.of(77L)), Facts.Result.of(new Inventory(InventorySource.NETLINK, Set.of(25), listeners, List.of())),
                Optional.of(interfaces), fw, Optional.empty(),
                Facts.Result.failed("ip -j -d address show: exit 1 (recorded here as failed)"));
    }

    @Test
    void listenersInOtherNamespacesAreJudgedByWhetherAnythingOutsideCanReachThem() throws Exception {
        Container mail = new Container("docker", "4f6c1e8b2a3d" + "0".repeat(52), Optional.of("mail"), Optional.empty());
        Listener inMail = new Listener(Protocol.TCP, Family.IPV4, InetAddress.getByName("0.0.0.0"), 25,
                Optional.empty(), Optional.empty(), OptionalInt.of(0), OptionalLong.of(2000), List.of(MASTER),
                Optional.empty(), Optional.of(mail));
        Facts.Result<Facts.FirewallView> none = Facts.Result.failed("not read: nothing listens on a covered port here");
        List<Facts.Namespace> namespaces = List.of(
                Facts.Namespace.host(Facts.Result.of(new Inventory(InventorySource.NETLINK, Set.of(25), NOTHING,
                        List.of())), recorded("no-rules"), Optional.empty()),
                other("docker/4f6c1e8b2a3d", List.of(inMail), List.of("eth0"), recorded("no-rules")),
                other("pid/77", WILDCARD_V4, List.of(), none),
                other("netns/walled", WILDCARD, List.of("eth0"), recorded("ufw-default-deny")),
                other("netns/quiet", LOOPBACK, List.of("eth0"), recorded("no-rules")),
                new Facts.Namespace(new NetNamespace("netns/locked", OptionalLong.of(1), List.of(), List.of()),
                        Facts.Result.failed("cannot enter network namespace netns/locked: EPERM"), Optional.empty(),
                        none, Optional.empty()));
        RoleResolver.Decision role = new RoleResolver.Decision(Role.NONE, "test");
        Assessment status = Evaluator.evaluate(new Facts("test-host", role, Settings.defaults(), namespaces, List.of(),
                Optional.empty()));
        // P25-014 thrice: pid/77's listener, and walled's two (0.0.0.0 and [::])
        assertThat(ids(status)).containsExactlyInAnyOrder("P25-013 HIGH", "P25-011 HIGH", "P25-003 LOW",
                "P25-003 LOW", "P25-014 LOW", "P25-014 LOW", "P25-014 LOW");
        assertThat(status.verdict()).as("the ways into the container could not be read: never OK")
                .isEqualTo(Verdict.UNKNOWN);
        assertThat(evidence(status, FindingKind.NAMESPACE_LISTENER_UNJUDGED)).singleElement().asString()
                .contains("tcp 0.0.0.0:25 (master) [docker mail (4f6c1e8b2a3d)] in network namespace docker/4f6c1e8b2a3d");
        assertThat(evidence(status, FindingKind.NAMESPACE_LISTENER_ISOLATED)).anyMatch(e -> e.contains("pid/77")
                && e.contains("no interface but loopback")).anyMatch(e -> e.contains("netns/walled")
                && e.contains("own packet filter blocks inbound 25 on ipv6"));
        assertThat(evidence(status, FindingKind.INVENTORY_FAILED)).singleElement().asString().contains("netns/locked", "EPERM");

        // an audit probed the host's listeners; the container's is said not to be probed
        List<Facts.Namespace> audited = new ArrayList<>(namespaces);
        audited.set(0, Facts.Namespace.host(namespaces.get(0).inventory(), namespaces.get(0).firewall(),
                Optional.of(List.of())));
        Assessment audit = Evaluator.evaluate(new Facts("test-host", role, Settings.defaults(), audited, List.of(),
                Optional.empty()));
        assertThat(evidence(audit, FindingKind.SMTP_NOT_JUDGED)).singleElement().asString()
                .contains("docker/4f6c1e8b2a3d", "not probed");
    }

    static final Container MAIL = new Container("docker", "4f6c1e8b2a3d" + "0".repeat(52), Optional.of("mail"),
            Optional.of("mail:1"));

    /**
     * The host's filter is a recorded case (Docker's rules publish 198.19.0.2:25 of a container, or
     * not); the container's namespace holds 0.0.0.0:25 behind a veth to the host's bridge, with
     * {@code elsewhere} as further interfaces and {@code own} as its own packet filter.
     */
    static Facts facts(Role role, String yaml, String hostCase, List<Facts.Way> elsewhere, String own)
            throws Exception {
        InetAddress container = InetAddress.getByName("198.19.0.2");
        Listener inMail = new Listener(Protocol.TCP, Family.IPV4, InetAddress.getByName("0.0.0.0"), 25,
                Optional.empty(), Optional.empty(), OptionalInt.of(0), OptionalLong.of(2000), List.of(MASTER),
                Optional.empty(), Optional.of(MAIL));
        PacketFilter host = RecordedFilters.load(hostCase);
        Facts.Reach reach = new Facts.Reach(List.of(container), List.of("eth0"), elsewhere,
                host.publishedTo(new PacketFilter.Target(container, 25)));
        Facts.Namespace docker = new Facts.Namespace(new NetNamespace("docker/4f6c1e8b2a3d", OptionalLong.of(4026532100L),
                List.of(), List.of(77L)), Facts.Result.of(new Inventory(InventorySource.NETLINK, Set.of(25),
                List.of(inMail), List.of())), Optional.of(List.of("eth0")), recorded(own), Optional.empty(),
                Facts.Result.of(reach));
        Facts.Namespace self = Facts.Namespace.host(Facts.Result.of(new Inventory(InventorySource.NETLINK, Set.of(25),
                NOTHING, List.of())), recorded(hostCase), Optional.empty());
        return new Facts("test-host", new RoleResolver.Decision(role, "test"), settings(yaml), List.of(self, docker),
                List.of(), Optional.empty());
    }

    static final String WHO = "tcp 0.0.0.0:25 (master) [docker mail (4f6c1e8b2a3d, image mail:1)] in network "
            + "namespace docker/4f6c1e8b2a3d (net:[4026532100])";

    @Test
    void aContainerPublishedOn25IsJudgedAsAHostListenerWouldBeWithTheContainerNamed() throws Exception {
        Assessment open = Evaluator.evaluate(facts(Role.NONE, "{}", "docker-published-port-bypasses-input",
                List.of(), "no-rules"));
        assertThat(open.verdict()).isEqualTo(Verdict.CRITICAL);
        assertThat(evidence(open, FindingKind.NONLOCAL_LISTENER)).singleElement().asString().startsWith(WHO)
                .contains("is reachable: published on this host's port 25 (to 198.19.0.2:25): ipv4 OPEN");
        assertThat(ids(open)).doesNotContain("P25-013 HIGH", "P25-014 LOW");

        // DOCKER-USER drops it: still there and published, blocked: as a blocked host listener
        Assessment dropped = Evaluator.evaluate(facts(Role.NONE, "{}", "docker-user-drop", List.of(), "no-rules"));
        assertThat(evidence(dropped, FindingKind.NONLOCAL_LISTENER)).singleElement().asString().startsWith(WHO)
                .contains("blocks each", "ipv4 CLOSED");
        assertThat(ids(dropped)).contains("P25-001 MEDIUM");

        // the container's own filter drops 25: noted only
        Assessment walled = Evaluator.evaluate(facts(Role.NONE, "{}", "docker-published-port-bypasses-input",
                List.of(), "ufw-default-deny"));
        assertThat(evidence(walled, FindingKind.NAMESPACE_LISTENER_ISOLATED)).singleElement().asString()
                .contains("own packet filter blocks inbound 25");
        assertThat(evidence(walled, FindingKind.NONLOCAL_LISTENER)).isEmpty();
    }

    /** {@code f} as an audit gives it: the container's listener probed inside its namespace, the relay verdict {@code relay}. */
    static Facts audited(Facts f, Optional<Boolean> relay) {
        Facts.Namespace c = f.others().get(0);
        Listener l = c.inventory().value().orElseThrow().listeners().get(0);
        LocalSmtpAudit.Report r = smtp(l, relay, true);
        r = new LocalSmtpAudit.Report(c.name(), r.listener(), r.probed(), r.configuration(), r.exim(), r.eximHostCheck(),
                r.configError(), r.localProbe(), r.openRelay(), r.userEnumeration(), r.vrfyDisclosesUsers(),
                r.starttlsOffered(), r.authBeforeTls(), r.bannerLeaksSoftware());
        return new Facts(f.hostname(), f.role(), f.settings(), List.of(Facts.Namespace.host(f.inventory(), f.firewall(),
                Optional.of(List.of())), new Facts.Namespace(c.where(), c.inventory(), c.interfaces(), c.firewall(),
                Optional.of(List.of(r)), c.reach())), List.of(), Optional.empty());
    }

    @Test
    void aContainersSmtpWeaknessesCountWhereAWayInReachesItAndNotWhereNoneDoes() throws Exception {
        // published: its open relay (from its configuration) is the host's alarm, the container named
        Assessment open = Evaluator.evaluate(audited(facts(Role.NONE, "{}", "docker-published-port-bypasses-input",
                List.of(), "no-rules"), Optional.of(true)));
        assertThat(evidence(open, FindingKind.OPEN_RELAY)).singleElement().asString().startsWith(WHO + ": ")
                .endsWith("mynetworks [configuration]");
        assertThat(ids(open)).doesNotContain("P25-012 HIGH");
        // a relay it accepted only for the probe from inside: not judged, and said so
        Assessment trusted = Evaluator.evaluate(audited(facts(Role.NONE, "{}", "docker-published-port-bypasses-input",
                List.of(), "no-rules"), Optional.empty()));
        assertThat(evidence(trusted, FindingKind.SMTP_NOT_JUDGED)).singleElement().asString().startsWith(WHO + ": ")
                .contains("P25-101", "relayed for this host");
        // blocked in DOCKER-USER, or not published: its weaknesses are not exposed
        for (String hostCase : List.of("docker-user-drop", "no-rules")) {
            Assessment shut = Evaluator.evaluate(audited(facts(Role.NONE, "{}", hostCase, List.of(), "no-rules"),
                    Optional.of(true)));
            assertThat(evidence(shut, FindingKind.OPEN_RELAY)).as(hostCase).isEmpty();
            assertThat(evidence(shut, FindingKind.SMTP_NOT_JUDGED)).as(hostCase).isEmpty();
        }
    }

    @Test
    void aHostListenerHoldingAPublishedPortNamesTheContainerItIsPublishedTo() throws Exception {
        Facts published = facts(Role.NONE, "{}", "docker-published-port-bypasses-input", List.of(), "no-rules");
        Listener proxy = new Listener(Protocol.TCP, Family.IPV4, InetAddress.getByName("0.0.0.0"), 25, Optional.empty(),
                Optional.empty(), OptionalInt.of(0), OptionalLong.of(3000), List.of(new Owner(900, "docker-proxy",
                Optional.of("/usr/sbin/docker-proxy"), Optional.of("root"), OptionalInt.of(0))), Optional.empty());
        Facts withProxy = new Facts(published.hostname(), published.role(), published.settings(), List.of(
                Facts.Namespace.host(Facts.Result.of(new Inventory(InventorySource.NETLINK, Set.of(25), List.of(proxy),
                        List.of())), published.firewall(), Optional.empty()), published.others().get(0)), List.of(),
                Optional.empty());
        Assessment a = Evaluator.evaluate(withProxy);
        assertThat(evidence(a, FindingKind.NONLOCAL_LISTENER)).anyMatch(e -> e.startsWith("tcp 0.0.0.0:25 (docker-proxy) "
                + "(the port this host publishes to [docker mail (4f6c1e8b2a3d, image mail:1)] 198.19.0.2:25)"))
                .anyMatch(e -> e.startsWith(WHO));
        // nothing published: a host listener is only itself
        Facts unpublished = facts(Role.NONE, "{}", "no-rules", List.of(), "no-rules");
        Assessment b = Evaluator.evaluate(new Facts(unpublished.hostname(), unpublished.role(), unpublished.settings(),
                List.of(Facts.Namespace.host(Facts.Result.of(new Inventory(InventorySource.NETLINK, Set.of(25),
                        List.of(proxy), List.of())), unpublished.firewall(), Optional.empty()),
                        unpublished.others().get(0)), List.of(), Optional.empty()));
        assertThat(evidence(b, FindingKind.NONLOCAL_LISTENER)).anyMatch(e -> e.startsWith("tcp 0.0.0.0:25 (docker-proxy) is"));
    }

    @Test
    void aContainerNothingPublishesIsNotedNotAnAlarm() throws Exception {
        Assessment a = Evaluator.evaluate(facts(Role.NONE, "{}", "no-rules", List.of(), "no-rules"));
        assertThat(evidence(a, FindingKind.NAMESPACE_LISTENER_ISOLATED)).singleElement().asString().startsWith(WHO)
                .contains("[eth0] lead only to this host", "no DNAT");
        assertThat(a.verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void aMacvlanIsJudgedByTheNamespacesOwnFilterAndAStrangeInterfaceLeavesItUnknown() throws Exception {
        Facts.Way macvlan = new Facts.Way("mv0", "macvlan on the host's eth0", true);
        Assessment a = Evaluator.evaluate(facts(Role.NONE, "{}", "no-rules", List.of(macvlan), "no-rules"));
        assertThat(evidence(a, FindingKind.NONLOCAL_LISTENER)).singleElement().asString()
                .contains("is reachable: through mv0 (macvlan on the host's eth0): ipv4 OPEN");
        Assessment walled = Evaluator.evaluate(facts(Role.NONE, "{}", "no-rules", List.of(macvlan), "ufw-default-deny"));
        assertThat(walled.verdict()).isEqualTo(Verdict.OK);

        Facts.Way tunnel = new Facts.Way("wg0", "wireguard", false);
        Assessment unseen = Evaluator.evaluate(facts(Role.NONE, "{}", "docker-user-drop", List.of(tunnel), "no-rules"));
        assertThat(unseen.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(evidence(unseen, FindingKind.NAMESPACE_LISTENER_UNJUDGED)).singleElement().asString()
                .contains("wg0 (wireguard)", "past this host's packet filter");
    }

    @Test
    void aRelaysAllowFromAndAMailServersContainerMtaCountForPublishedContainers() throws Exception {
        Assessment relay = Evaluator.evaluate(facts(Role.RELAY, "roles: {relay: {allowFrom: [198.18.0.0/15]}}",
                "docker-published-port-bypasses-input", List.of(), "no-rules"));
        assertThat(evidence(relay, FindingKind.RELAY_REACHABLE_BEYOND_ALLOWED)).singleElement().asString()
                .startsWith(WHO).contains("ipv4 OPEN", "allowed: [198.18.0.0/15]");
        // the container's own filter lets only the allowed network in: within allowFrom
        Assessment walled = Evaluator.evaluate(facts(Role.RELAY, "roles: {relay: {allowFrom: [198.18.0.0/15]}}",
                "docker-published-port-bypasses-input", List.of(), "iptables-nft-allow-from-peer-net"));
        assertThat(evidence(walled, FindingKind.RELAY_REACHABLE_BEYOND_ALLOWED)).isEmpty();

        Assessment mx = Evaluator.evaluate(facts(Role.MAIL_SERVER, "{}", "docker-published-port-bypasses-input",
                List.of(), "no-rules"));
        assertThat(ids(mx)).doesNotContain("P25-005 HIGH");
        assertThat(mx.facts()).anyMatch(x -> x.contains("served from another network namespace"));
        // published, but DOCKER-USER drops it: the MTA listens and is blocked, naming the way
        Assessment blocked = Evaluator.evaluate(facts(Role.MAIL_SERVER, "{}", "docker-user-drop", List.of(), "no-rules"));
        assertThat(evidence(blocked, FindingKind.MAIL_SERVER_NOT_LISTENING)).isEmpty();
        assertThat(evidence(blocked, FindingKind.MAIL_SERVER_BLOCKED)).singleElement().asString().startsWith(WHO)
                .contains("published on this host's port 25", "ipv4 CLOSED");
        // not published at all: nothing serves the port
        Assessment none = Evaluator.evaluate(facts(Role.MAIL_SERVER, "{}", "no-rules", List.of(), "no-rules"));
        assertThat(evidence(none, FindingKind.MAIL_SERVER_NOT_LISTENING)).hasSize(1);
    }

    @Test
    void twoFiltersInARowLetThroughOnlyWhatBothDo() throws Exception {
        Exposure open = new Exposure(IpFamily.IPV4, Exposure.Level.OPEN, List.of(), Map.of(), List.of(), List.of());
        Exposure peers = new Exposure(IpFamily.IPV4, Exposure.Level.RESTRICTED,
                List.of(Cidr.parse("198.18.0.0/15")), Map.of(), List.of(), List.of());
        Exposure one = new Exposure(IpFamily.IPV4, Exposure.Level.RESTRICTED,
                List.of(Cidr.parse("198.18.25.0/30"),
                        Cidr.parse("10.0.0.0/8")), Map.of(), List.of(), List.of());
        Exposure other = new Exposure(IpFamily.IPV4, Exposure.Level.RESTRICTED,
                List.of(Cidr.parse("10.0.0.0/8")), Map.of(), List.of(), List.of());
        Exposure unknown = new Exposure(IpFamily.IPV4, Exposure.Level.UNKNOWN, List.of(), Map.of(), List.of(),
                List.of("why"));
        assertThat(Evaluator.meet(open, open).level()).isEqualTo(Exposure.Level.OPEN);
        assertThat(Evaluator.meet(open, peers).allowedFrom()).isEqualTo(peers.allowedFrom());
        assertThat(Evaluator.meet(peers, one).allowedFrom()).extracting(Object::toString).containsExactly("198.18.25.0/30");
        assertThat(Evaluator.meet(peers, other).level()).isEqualTo(Exposure.Level.CLOSED);
        assertThat(Evaluator.meet(unknown, open).level()).isEqualTo(Exposure.Level.UNKNOWN);
        assertThat(Evaluator.meet(unknown, other).level()).isEqualTo(Exposure.Level.UNKNOWN);
        Exposure closed = new Exposure(IpFamily.IPV4, Exposure.Level.CLOSED, List.of(), Map.of(), List.of(), List.of());
        assertThat(Evaluator.meet(unknown, closed).level()).isEqualTo(Exposure.Level.CLOSED);
    }

    static List<String> evidence(Assessment a, FindingKind kind) {
        return a.findings().stream().filter(f -> f.kind() == kind).map(Finding::evidence).toList();
    }

    static LocalSmtpAudit.Report smtp(Listener l, Optional<Boolean> relay, boolean starttls) {
        SmtpProbeResult probe = new SmtpProbeResult(Optional.of("220 mx.p25.test ESMTP"), List.of("PIPELINING"),
                starttls, Optional.empty(), List.of(), List.of(), SmtpProbeResult.Answer.DISABLED,
                SmtpProbeResult.Answer.DISABLED, SmtpProbeResult.Answer.UNIFORM, Optional.of("mx.p25.test"), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), Optional.empty());
        LocalSmtpAudit.Source cf = LocalSmtpAudit.Source.CONFIGURATION;
        return new LocalSmtpAudit.Report("host", l, "127.0.0.1:25", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), probe,
                new LocalSmtpAudit.Verdict(relay, cf, relay.isEmpty() ? "relayed for this host" : "mynetworks"),
                new LocalSmtpAudit.Verdict(Optional.of(false), cf, "RCPT UNIFORM"),
                new LocalSmtpAudit.Verdict(Optional.of(false), cf, "disable_vrfy_command = yes"),
                new LocalSmtpAudit.Verdict(Optional.of(starttls), cf, "smtpd_tls_security_level = " + (starttls ? "may" : "")),
                new LocalSmtpAudit.Verdict(Optional.of(false), cf, "smtpd_sasl_auth_enable = no"),
                new LocalSmtpAudit.Verdict(Optional.of(false), cf, "smtpd_banner = $myhostname ESMTP"));
    }

    @Test
    void smtpFindingsWeighTheRoleAndAnUnjudgedVerdictIsUnknown() throws Exception {
        Listener l = WILDCARD_V4.get(0);
        var open = recorded("no-rules");
        assertThat(ids(evaluate(Role.MAIL_SERVER, Settings.defaults(), WILDCARD_V4, open,
                Optional.of(List.of(smtp(l, Optional.of(true), true)))))).containsExactly("P25-101 CRITICAL");
        Assessment noTls = evaluate(Role.MAIL_SERVER, Settings.defaults(), WILDCARD_V4, open,
                Optional.of(List.of(smtp(l, Optional.of(false), false))));
        assertThat(ids(noTls)).containsExactly("P25-105 CRITICAL");
        assertThat(noTls.verdict()).isEqualTo(Verdict.CRITICAL);
        Assessment lenient = evaluate(Role.MAIL_SERVER, settings("roles:\n  mailServer:\n    requireStarttls: false\n"),
                WILDCARD_V4, open, Optional.of(List.of(smtp(l, Optional.of(false), false))));
        assertThat(ids(lenient)).containsExactly("P25-105 HIGH");
        assertThat(lenient.verdict()).isEqualTo(Verdict.WARNING);
        Assessment unjudged = evaluate(Role.MAIL_SERVER, Settings.defaults(), WILDCARD_V4, open,
                Optional.of(List.of(smtp(l, Optional.empty(), true))));
        assertThat(ids(unjudged)).containsExactly("P25-012 HIGH");
        assertThat(unjudged.verdict()).isEqualTo(Verdict.UNKNOWN);
        // a loopback-only MTA's weaknesses are nobody else's to exploit
        assertThat(ids(evaluate(Role.NONE, Settings.defaults(), LOOPBACK, recorded("legacy-drop-under-nft-accept"),
                Optional.of(List.of(smtp(LOOPBACK.get(0), Optional.of(true), false)))))).isEmpty();
    }

    @Test
    void everyCatalogueEntryHasAStableIdTitleAndRemediation() {
        assertThat(Stream.of(FindingKind.values()).map(FindingKind::id).distinct().count())
                .isEqualTo(FindingKind.values().length);
        for (FindingKind k : FindingKind.values()) {
            assertThat(k.id()).matches("P25-[0-9]{3}");
            assertThat(k.title()).isNotBlank();
            assertThat(k.remediation()).isNotBlank();
            assertThat(FindingKind.byId(k.id())).isSameAs(k);
        }
        // the probe's findings carry these kinds, and probe --json shows id and name: both stay as they were
        assertThat(Stream.of("P25-101", "P25-102", "P25-103", "P25-104", "P25-105", "P25-106", "P25-107", "P25-108",
                "P25-109").map(id -> FindingKind.byId(id).name())).containsExactly("OPEN_RELAY", "USER_ENUMERATION",
                "VRFY_DISCLOSES", "EXPN_ENABLED", "NO_STARTTLS", "AUTH_BEFORE_TLS", "WEAK_TLS",
                "BANNER_LEAKS_SOFTWARE", "NOT_SMTP");
        assertThat(FindingKind.NONLOCAL_LISTENER.references()).anyMatch(r -> r.contains("has_nonlocal_mta"))
                .anyMatch(r -> r.contains("postfix_network_listening_disabled"))
                .anyMatch(r -> r.contains("local-only mode"));
        assertThat(FindingKind.OPEN_RELAY.references()).anyMatch(r -> r.contains("postfix_prevent_unrestricted_relay"));
    }

    @Test
    void rolesResolveByFirstMatchingRule() throws Exception {
        Settings s = SettingsLoader.parse(SettingsLoaderTest.resource("examples/fleet.yml"),
                "fleet.yml");
        assertThat(RoleResolver.resolve(s, "MX1.example.org").role()).isEqualTo(Role.MAIL_SERVER);
        RoleResolver.Decision relay = RoleResolver.resolve(s, "app1");
        assertThat(relay.role()).isEqualTo(Role.RELAY);
        assertThat(relay.why()).isEqualTo("rule 2 (tags [smtp-relay]) matches host 'app1' with tags [dmz, smtp-relay]");
        Settings untagged = new Settings(s.mode(), s.ports(), new Settings.Host(List.of()), s.roles(), s.firewall(),
                s.probe(), s.dns(), s.report(), s.daemon(), s.inventory());
        assertThat(RoleResolver.resolve(untagged, "app1").why()).isEqualTo("rule 3 (every host) matches host 'app1'");
        RoleResolver.Decision none = RoleResolver.resolve(Settings.defaults(), "app1");
        assertThat(none.role()).isEqualTo(Role.NONE);
        assertThat(none.why()).isEqualTo("no role rules; NONE is the default");
        assertThat(RoleResolver.resolve(settings("roles:\n  rules:\n    - role: RELAY\n"), "x").why())
                .isEqualTo("rule 1 (every host) matches host 'x'");
    }

    @Test
    void unreadLayersAreNamedNotQuotedInTheFinding() {
        assertThat(Evaluator.notes(List.of("not read: nft -j list ruleset: 'nft -j list ruleset' exited 1: Operation not "
                + "permitted (you must be root)", "not read: iptables-nft-save: exited 4", "rate limit in INPUT")))
                .isEqualTo("firewall layers not read (nft -j list ruleset, iptables-nft-save; root is needed); rate limit "
                        + "in INPUT");
    }
}
