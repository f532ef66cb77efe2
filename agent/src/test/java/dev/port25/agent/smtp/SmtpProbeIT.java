package dev.port25.agent.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.agent.testing.AgentJar;
import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code port25-agent probe} (the built jar, run in a peer namespace) against real Postfix 3.7
 * and Exim 4.96 instances in a server namespace, each with its own configuration and address; the
 * expected verdicts of each instance are written down here. Mail never leaves: Postfix's
 * transports are all discard, Exim's default configuration delivers only locally, and the probe
 * never sends DATA.
 */
@Tag("netns")
class SmtpProbeIT {

    private static Netns server;
    private static Netns peer;
    private static AgentJar jar;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static Path scratch;

    @BeforeAll
    static void namespaces() throws Exception {
        Prerequisites.require("ip", "postfix", "openssl", "ss", "nmap");
        server = Netns.create("smtp-s");
        peer = Netns.create("smtp-c");
        Netns.link(server, "198.18.25.1/24", "fd00:25::1/64", peer, "198.18.25.2/24", "fd00:25::2/64");
        for (String a : List.of("198.18.25.11/24", "198.18.25.12/24")) {
            server.ok("ip", "addr", "add", a, "dev", "p25a");
        }
        server.ok("ip", "-6", "addr", "add", "fd00:25::11/64", "dev", "p25a", "nodad");
        jar = AgentJar.copy();
        scratch = Files.createTempDirectory("p25-smtp-cases-");
    }

    @AfterAll
    static void cleanup() throws Exception {
        if (scratch != null) {
            new CommandRunner().run("rm", "-r", scratch.toString());
        }
        if (jar != null) {
            jar.close();
        }
        if (peer != null) {
            peer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static JsonNode probe(String target, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("probe", target, "--json"));
        args.addAll(List.of(more));
        return run(peer, args.toArray(String[]::new));
    }

    private static JsonNode run(Netns where, String... args) throws Exception {
        return jar.json(where, args);
    }

    /**
     * Records the case folder {@code name} of smtp-cases from the server at {@code address}
     * (into {@code -Dport25.record=DIR}, else a scratch folder): {@link SmtpCaseRecorder} probes
     * it from the peer, writes the transcript and the judge's result, and fails unless the
     * transcript read back from its JSON is judged to the result the probe returned. With
     * {@code doc}, the jar's own probe of the same server, the recorded verdicts must equal it.
     */
    private static JsonNode record(String name, String address, String users, String domain, String server,
                                   JsonNode doc) throws Exception {
        return record(peer, name, address, address, users, domain, server, doc);
    }

    /**
     * The local path's Exim host check ({@code exim -bh}, enumeration and relay only) recorded in
     * the server's namespace, where the agent runs it; {@code hostCheck} is what the agent's
     * {@code probe --local} met there, which the recorded verdicts must equal.
     */
    private static void recordHostCheck(String name, EximLab exim, String users, String source, JsonNode hostCheck)
            throws Exception {
        JsonNode rec = record(server, name, "198.18.25.12", "exim-bh:" + exim.binary() + ":" + exim.configFile()
                + ":192.0.2.1", users, "", source, null);
        assertThat(rec.get("relayAttempts").size()).as(name).isEqualTo(hostCheck.get("relayFormsTried").asInt());
        assertThat(rec.get("relayAttempts").findValues("accepted").stream().filter(JsonNode::asBoolean).count())
                .as(name).isEqualTo(hostCheck.get("relayFormsAccepted").asLong());
        for (String field : List.of("vrfy", "expn", "rcpt", "enumerableUsers", "error")) {
            assertThat(rec.get(field)).as(name + ": " + field).isEqualTo(hostCheck.get(field));
        }
    }

    private static JsonNode record(Netns where, String name, String address, String probed, String users, String domain,
                                   String server, JsonNode doc) throws Exception {
        Path out = Path.of(System.getProperty("port25.record", scratch.toString()));
        String test = StackWalker.getInstance().walk(f -> f.map(StackWalker.StackFrame::getMethodName)
                .filter(m -> !m.startsWith("record")).findFirst().orElseThrow());
        String source = server + ", SmtpProbeIT." + test + ", recorded " + LocalDate.now(ZoneOffset.UTC);
        Path testClasses = Path.of(SmtpCaseRecorder.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> argv = new ArrayList<>(where.inside(List.of()));
        argv.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                jar.path() + ":" + testClasses, SmtpCaseRecorder.class.getName(), out.toString(), name, address, "25",
                probed, users, domain, source));
        CommandResult r = new CommandRunner().run(new Command(argv, Duration.ofSeconds(120), Map.of(), new byte[0]));
        System.out.println(r.stdout().strip());
        assertThat(r.exitCode()).as("the judge agrees with the live probe: " + r.describe()).isZero();
        JsonNode recorded = MAPPER.readTree(Files.readString(out.resolve(name).resolve("expected.json")));
        if (doc != null) {
            // Exim's banner names the time: the seconds may differ between the two probes
            assertThat(recorded.get("banner").toString().replaceAll("\\d\\d:\\d\\d:\\d\\d", "hh:mm:ss")).as(name)
                    .isEqualTo(doc.get("banner").toString().replaceAll("\\d\\d:\\d\\d:\\d\\d", "hh:mm:ss"));
            for (String field : List.of("openRelay", "vrfy", "expn", "rcpt", "rcptDomain", "starttlsOffered",
                    "authMechanismsBeforeTls", "enumerableUsers", "unansweredUsers", "bannerLeaksSoftware")) {
                assertThat(recorded.get(field)).as(name + ": " + field).isEqualTo(doc.get(field));
            }
            assertThat(ids(recorded)).as(name).isEqualTo(ids(doc));
            assertThat(codes(recorded)).as(name).isEqualTo(codes(doc));
        }
        return recorded;
    }

    private static List<String> codes(JsonNode doc) {
        List<String> out = new ArrayList<>();
        doc.get("relayAttempts").forEach(a -> out.add(a.get("mailCode") + "/" + a.get("rcptCode")));
        return out;
    }

    private static String postfix() throws Exception {
        CommandResult r = new CommandRunner().run("dpkg-query", "-W", "-f", "${Version}", "postfix");
        return "Postfix " + r.stdout().strip() + " (Debian 12 postfix package)";
    }

    private static String deb(Path debs, String prefix, String what) throws Exception {
        try (var files = Files.list(debs)) {
            return what + " " + files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith(prefix + "_"))
                    .findFirst().orElseThrow() + " (Debian 12 package, unpacked)";
        }
    }

    private static List<String> ids(JsonNode doc) {
        List<String> ids = new ArrayList<>();
        doc.get("findings").forEach(f -> ids.add(f.get("name").asText()));
        return ids;
    }

    @Test
    void hardenedPostfix() throws Exception {
        Path certs = Files.createTempDirectory("p25-cert-");
        try {
            server.ok("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj",
                    "/CN=mx.p25.test", "-keyout", certs.resolve("key.pem").toString(), "-out",
                    certs.resolve("cert.pem").toString());
            try (PostfixLab pf = PostfixLab.start(server, "198.18.25.11, [fd00:25::11]", Map.of(
                    "disable_vrfy_command", "yes",
                    "smtpd_banner", "$myhostname ESMTP",
                    "smtpd_tls_security_level", "may",
                    "smtpd_tls_cert_file", certs.resolve("cert.pem").toString(),
                    "smtpd_tls_key_file", certs.resolve("key.pem").toString()))) {
                JsonNode doc = probe("198.18.25.11");
                assertThat(doc.get("banner").asText()).isEqualTo("220 mx.p25.test ESMTP");
                assertThat(doc.get("openRelay").asBoolean()).as(doc.toString()).isFalse();
                assertThat(doc.get("relayAttempts")).as(doc.get("error") + " " + doc.get("transcript")).hasSize(13);
                assertThat(doc.get("vrfy").asText()).isEqualTo("DISABLED");
                assertThat(doc.get("expn").asText()).isEqualTo("DISABLED");
                assertThat(doc.get("starttlsOffered").asBoolean()).isTrue();
                assertThat(doc.at("/tls/protocol").asText()).isEqualTo("TLSv1.3");
                assertThat(doc.at("/tls/selfSigned").asBoolean()).isTrue();
                assertThat(doc.get("bannerLeaksSoftware").asBoolean()).isFalse();
                // Postfix rejects unknown local recipients (550 5.1.1) and accepts root: RCPT enumerates
                assertThat(doc.get("rcpt").asText()).isEqualTo("DISCLOSES");
                assertThat(doc.get("enumerableUsers").toString()).contains("root");
                assertThat(ids(doc)).containsExactlyInAnyOrder("WEAK_TLS", "USER_ENUMERATION");
                assertThat(doc.get("exitCode").asInt()).isEqualTo(1);
                assertThat(doc.get("transcript").toString()).doesNotContain("C: DATA");
                record("postfix-hardened-starttls", "198.18.25.11", "root,postmaster", "", postfix(), doc);
                // the same over IPv6, where the name probed is an address literal with letters in it:
                // no SNI may be sent (RFC 6066), and the probe ends with its report, not a crash
                JsonNode v6 = probe("fd00:25::11");
                assertThat(v6.get("error").isNull()).as(v6.toString()).isTrue();
                assertThat(v6.at("/tls/protocol").asText()).as(v6.toString()).isEqualTo("TLSv1.3");
                assertThat(v6.at("/tls/error").isNull()).as(v6.toString()).isTrue();
                assertThat(ids(v6)).containsExactlyInAnyOrder("WEAK_TLS", "USER_ENUMERATION");
                assertThat(v6.get("exitCode").asInt()).isEqualTo(1);
                record("postfix-hardened-starttls-ipv6", "fd00:25::11", "root,postmaster", "", postfix(), v6);
            }
        } finally {
            new CommandRunner().run("rm", "-r", certs.toString());
        }
    }

    /**
     * VRFY and EXPN off, RCPT disclosing, and an error limit the user list exceeds: Postfix drops
     * the session with "421 4.7.0 Error: too many errors" in the middle of the RCPT tries, and in
     * the new session a RCPT without MAIL gets "503 5.5.1 Error: need MAIL command". Each of those
     * users is asked again in a fresh transaction, so the verdict equals the server's own
     * recipient table: every user in it, and only those, is told apart.
     */
    @Test
    void usersAskedWhenTheSessionWasLostAreAskedAgainNotCountedAbsent() throws Exception {
        Path table = Files.createTempFile("p25-recipients-", ".txt");
        try {
            List<String> local = List.of("root", "postmaster", "carol");
            Files.writeString(table, String.join("", local.stream().map(u -> u + " x\n").toList()));
            Files.setPosixFilePermissions(table, PosixFilePermissions.fromString("rw-r--r--"));
            try (PostfixLab pf = PostfixLab.start(server, "198.18.25.11", Map.of(
                    "disable_vrfy_command", "yes",
                    "local_recipient_maps", "texthash:" + table,
                    "smtpd_hard_error_limit", "4"))) {
                List<String> asked = List.of("root", "postmaster", "alice", "bob", "carol", "dave", "admin", "test");
                JsonNode doc = probe("198.18.25.11", "--users", String.join(",", asked));
                String transcript = doc.get("transcript").toString();
                assertThat(transcript).as("the server dropped a session for its error limit").contains("too many errors");
                assertThat(doc.get("vrfy").asText()).isEqualTo("DISABLED");
                assertThat(doc.get("expn").asText()).isEqualTo("DISABLED");
                assertThat(doc.get("rcpt").asText()).as(transcript).isEqualTo("DISCLOSES");
                assertThat(doc.get("rcptDomain").asText()).isEqualTo("mx.p25.test");
                assertThat(names(doc.get("enumerableUsers"))).as(transcript).containsExactlyElementsOf(local);
                assertThat(doc.get("unansweredUsers")).as(transcript).isEmpty();
                assertThat(doc.get("error").isNull()).as(doc.get("error").toString()).isTrue();
                JsonNode rec = record("postfix-too-many-errors-retry", "198.18.25.11", String.join(",", asked), "",
                        postfix(), doc);
                assertThat(rec.get("transcript").toString()).contains("too many errors");
            }
        } finally {
            Files.delete(table);
        }
    }

    /**
     * OpenSMTPD 6.8 (no configuration reader of the agent's knows it) naming itself "vm" while it
     * receives mail only for p25.test: every address at vm, postmaster's too, is refused alike,
     * which says nothing about its users. The probe says RCPT was not tested and what to pass;
     * with {@code --domain p25.test} RCPT tells the server's users (its own table) from the rest.
     * Named mx.p25.test, the parent domain is found without help. Over IPv4 and IPv6.
     */
    @Test
    void aServerThatRefusesTheGuessedDomainIsNotTestedForEnumerationUntilTheDomainIsFound() throws Exception {
        OpenSmtpdLab.require();
        server.ok("ip", "addr", "add", "198.18.25.14/24", "dev", "p25a");
        server.ok("ip", "-6", "addr", "add", "fd00:25::14/64", "dev", "p25a", "nodad");
        List<String> users = List.of("root", "alice", "carol");
        String asked = "root,postmaster,alice,bob,carol,dave";
        List<String> told = List.of("root", "postmaster", "alice", "carol"); // postmaster: an alias of root
        try {
            try (OpenSmtpdLab lab = OpenSmtpdLab.start(server, "198.18.25.14", "fd00:25::14", "vm", "p25.test", users)) {
                for (String target : List.of("198.18.25.14", "fd00:25::14")) {
                    JsonNode doc = probe(target, "--users", asked);
                    String transcript = doc.get("transcript").toString();
                    assertThat(doc.get("banner").asText()).isEqualTo("220 vm ESMTP OpenSMTPD");
                    assertThat(transcript).contains("RCPT TO:<root@vm>", "550 Invalid recipient");
                    assertThat(doc.get("rcpt").asText()).as(transcript).isEqualTo("NOT_TESTED");
                    assertThat(doc.get("rcptDomain").isNull()).isTrue();
                    assertThat(doc.get("enumerableUsers")).isEmpty();
                    assertThat(doc.get("notes").toString()).contains("no recipient was accepted at vm", "--domain");
                    assertThat(doc.get("vrfy").asText()).isEqualTo("DISABLED");
                    assertThat(doc.get("expn").asText()).isEqualTo("DISABLED");
                    assertThat(doc.get("error").isNull()).as(doc.get("error").toString()).isTrue();

                    JsonNode given = probe(target, "--users", asked, "--domain", "p25.test");
                    assertThat(given.get("rcpt").asText()).as(given.get("transcript").toString()).isEqualTo("DISCLOSES");
                    assertThat(given.get("rcptDomain").asText()).isEqualTo("p25.test");
                    assertThat(names(given.get("enumerableUsers"))).containsExactlyElementsOf(told);
                    assertThat(given.get("notes")).isEmpty();
                    String v = target.contains(":") ? "-ipv6" : "";
                    record("opensmtpd-named-vm-refuses-guessed-domain" + v, target, asked, "",
                            deb(OpenSmtpdLab.debs(), "opensmtpd", "OpenSMTPD"), doc);
                    record("opensmtpd-named-vm-domain-given" + v, target, asked, "p25.test",
                            deb(OpenSmtpdLab.debs(), "opensmtpd", "OpenSMTPD"), given);
                }
            }
            try (OpenSmtpdLab lab = OpenSmtpdLab.start(server, "198.18.25.14", "fd00:25::14", "mx.p25.test", "p25.test",
                    users)) {
                JsonNode doc = probe("198.18.25.14", "--users", asked);
                assertThat(doc.get("rcptDomain").asText()).as(doc.get("transcript").toString()).isEqualTo("p25.test");
                assertThat(doc.get("rcpt").asText()).isEqualTo("DISCLOSES");
                assertThat(names(doc.get("enumerableUsers"))).containsExactlyElementsOf(told);
                record("opensmtpd-parent-domain-found", "198.18.25.14", asked, "",
                        deb(OpenSmtpdLab.debs(), "opensmtpd", "OpenSMTPD"), doc);
            }
        } finally {
            server.ok("ip", "addr", "del", "198.18.25.14/24", "dev", "p25a");
            server.ok("ip", "-6", "addr", "del", "fd00:25::14/64", "dev", "p25a");
        }
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void openRelayPostfixWithVrfyAProductBannerAndAuthBeforeTls() throws Exception {
        try (PostfixLab pf = PostfixLab.start(server, "198.18.25.12", Map.of(
                "mynetworks", "0.0.0.0/0 [::]/0",
                "disable_vrfy_command", "no",
                "smtpd_banner", "$myhostname ESMTP $mail_name $mail_version",
                "smtpd_sasl_auth_enable", "yes"))) {
            JsonNode doc = probe("198.18.25.12:25");
            assertThat(doc.get("banner").asText()).startsWith("220 mx.p25.test ESMTP Postfix 3.7");
            assertThat(doc.get("openRelay").asBoolean()).as(doc.get("relayAttempts").toString() + pf.log()).isTrue();
            assertThat(doc.at("/relayAttempts/0/accepted").asBoolean()).as("null sender to a foreign domain").isTrue();
            assertThat(doc.get("vrfyDisclosesUsers").asBoolean()).as(doc.get("transcript").toString()).isTrue();
            assertThat(doc.get("starttlsOffered").asBoolean()).isFalse();
            assertThat(doc.get("tls").isNull()).isTrue();
            assertThat(ids(doc)).contains("OPEN_RELAY", "VRFY_DISCLOSES", "USER_ENUMERATION", "NO_STARTTLS",
                    "BANNER_LEAKS_SOFTWARE", "AUTH_BEFORE_TLS");
            assertThat(doc.get("authBeforeTls").asBoolean()).isTrue();
            assertThat(doc.get("authMechanismsBeforeTls").toString()).contains("PLAIN", "LOGIN");
            assertThat(doc.get("exitCode").asInt()).isEqualTo(2);
            assertThat(pf.log()).doesNotContain("status=sent");
            record("postfix-open-relay-vrfy-banner-auth", "198.18.25.12", "root,postmaster", "", postfix(), doc);
            assertThat(pf.log()).doesNotContain("status=sent");
        }
    }

    /**
     * The local path: the agent inside the server namespace, where a probe comes from the
     * server's own addresses, judges each instance from its own configuration (found through the
     * master's MAIL_CONFIG).
     */
    @Test
    void localProbeJudgesEachPostfixFromItsConfiguration() throws Exception {
        try (PostfixLab hardened = PostfixLab.start(server, "198.18.25.11", Map.of("disable_vrfy_command", "yes"));
             PostfixLab open = PostfixLab.start(server, "198.18.25.12", Map.of(
                     "mynetworks", "0.0.0.0/0 [::]/0",
                     "disable_vrfy_command", "no",
                     "smtpd_banner", "$myhostname ESMTP $mail_name $mail_version"))) {
            JsonNode doc = run(server, "probe", "--local", "--json");
            assertThat(doc.get("schema").asText()).isEqualTo("port25-agent/probe-local/v1");
            Map<String, JsonNode> byEndpoint = new HashMap<>();
            doc.get("listeners").forEach(l -> byEndpoint.put(l.get("endpoint").asText(), l));
            assertThat(byEndpoint).containsOnlyKeys("tcp 198.18.25.11:25", "tcp 198.18.25.12:25");
            JsonNode h = byEndpoint.get("tcp 198.18.25.11:25");
            assertThat(h.get("configDir").asText()).isEqualTo(hardened.dir().toString());
            assertThat(h.at("/verdicts/openRelay/value").asBoolean()).isFalse();
            assertThat(h.at("/verdicts/openRelay/source").asText()).isEqualTo("configuration");
            assertThat(h.at("/verdicts/vrfyDisclosesUsers/value").asBoolean()).isFalse();
            // RCPT still tells root from an unknown user, as the outside probe of this instance finds
            assertThat(h.at("/verdicts/userEnumeration/value").asBoolean()).isTrue();
            assertThat(h.at("/verdicts/userEnumeration/source").asText()).isEqualTo("configuration");
            assertThat(h.at("/eximHostCheck").isNull()).isTrue();
            assertThat(h.at("/verdicts/starttlsOffered/value").asBoolean()).isFalse();
            JsonNode o = byEndpoint.get("tcp 198.18.25.12:25");
            assertThat(o.get("configDir").asText()).isEqualTo(open.dir().toString());
            assertThat(o.at("/verdicts/openRelay/value").asBoolean()).isTrue();
            assertThat(o.at("/verdicts/openRelay/why").asText()).contains("permit_mynetworks", "0.0.0.0/0");
            assertThat(o.at("/verdicts/vrfyDisclosesUsers/value").asBoolean()).isTrue();
            assertThat(o.at("/verdicts/userEnumeration/value").asBoolean()).isTrue();
            assertThat(o.at("/verdicts/bannerLeaksSoftware/value").asBoolean()).isTrue();
            assertThat(o.at("/localProbe/relayFormsAccepted").asInt()).isPositive();
            assertThat(doc.get("exitCode").asInt()).isEqualTo(2);
        }
    }

    private static void requireEximDebs() {
        MtaLabs.requireDebs(EximLab.debs(), "exim4");
    }

    /** nmap's three scripts against the same server, from the same peer: script id to output. */
    private static Map<String, String> nmap(String address) throws Exception {
        CommandResult r = new CommandRunner().run(new Command(peer.inside(List.of("nmap", "-Pn", "-n", "-p25",
                "--script", "smtp-open-relay,smtp-enum-users,smtp-commands", "-oX", "-", address)),
                Duration.ofSeconds(120), Map.of(), new byte[0]));
        assertThat(r.ok()).as(r.describe()).isTrue();
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(r.stdout().getBytes(StandardCharsets.UTF_8)));
        Map<String, String> out = new TreeMap<>();
        NodeList scripts = xml.getElementsByTagName("script");
        for (int i = 0; i < scripts.getLength(); i++) {
            Element e = (Element) scripts.item(i);
            out.put(e.getAttribute("id"), e.getAttribute("output").strip());
        }
        return out;
    }

    /**
     * nmap 7.93's smtp-enum-users asks RCPT TO for user@address without a control user: an open
     * relay accepts every recipient, so nmap "finds" users this host does not have; on the
     * hardened server it stops at Postfix's "550 5.1.1 User unknown" ("unhandled status code")
     * and finds none, though RCPT tells root apart. The agent, comparing with a random control
     * user, names root and only root on both. nmap's smtp-open-relay agrees on relaying.
     */
    @Test
    void whereNmapDisagreesTheAgentIsRight() throws Exception {
        assertThat(server.run(List.of("getent", "passwd", "admin"), Duration.ofSeconds(10)).exitCode())
                .as("this host has no user 'admin'").isEqualTo(2);
        try (PostfixLab pf = PostfixLab.start(server, "198.18.25.12", Map.of(
                "mynetworks", "0.0.0.0/0 [::]/0", "disable_vrfy_command", "no"))) {
            Map<String, String> nmap = nmap("198.18.25.12");
            System.out.println("nmap on the open relay: " + nmap);
            assertThat(nmap.get("smtp-open-relay")).startsWith("Server is an open relay");
            assertThat(nmap.get("smtp-enum-users")).as("nmap's false positive").contains("root", "admin");
            JsonNode doc = probe("198.18.25.12", "--users", "root,admin,test");
            assertThat(doc.get("openRelay").asBoolean()).isTrue();
            assertThat(doc.get("enumerableUsers").toString()).isEqualTo("[\"root\"]");
            record("postfix-open-relay-vrfy-on-nonexistent-users", "198.18.25.12", "root,admin,test", "", postfix(), doc);
        }
        try (PostfixLab pf = PostfixLab.start(server, "198.18.25.11", Map.of("disable_vrfy_command", "yes"))) {
            Map<String, String> nmap = nmap("198.18.25.11");
            System.out.println("nmap on the hardened server: " + nmap);
            assertThat(nmap.get("smtp-open-relay")).contains("doesn't seem to be an open relay");
            assertThat(nmap.get("smtp-enum-users")).as("nmap gives up on Postfix's 550 5.1.1")
                    .contains("unhandled status code").doesNotContain("root");
            JsonNode doc = probe("198.18.25.11", "--users", "root,admin,test");
            assertThat(doc.get("openRelay").asBoolean()).isFalse();
            assertThat(doc.get("enumerableUsers").toString()).isEqualTo("[\"root\"]");
            record("postfix-vrfy-disabled-rcpt-discloses", "198.18.25.11", "root,admin,test", "", postfix(), doc);
        }
    }

    /**
     * Exim with Debian's default configuration: VRFY wants an address and then answers the same
     * for everyone, EXPN is refused, relay is refused, RCPT tells root apart ("550 Unrouteable
     * address" for the random user), and the banner names Exim and its version.
     */
    @Test
    void eximWithDebiansDefaultConfiguration() throws Exception {
        requireEximDebs();
        try (EximLab exim = EximLab.start(server, "198.18.25.12", conf -> conf)) {
            JsonNode doc = probe("198.18.25.12", "--users", "root,postmaster");
            Map<String, String> nmap = nmap("198.18.25.12");
            System.out.println("nmap on Exim: " + nmap);
            // nmap 7.93 finds no account (RCPT tells root apart) and its relay test breaks on a
            // session Exim closes; the agent reopens sessions and finishes
            assertThat(nmap.get("smtp-enum-users")).isEqualTo("Couldn't find any accounts");
            assertThat(nmap.get("smtp-open-relay")).contains("failed to receive data");
            assertThat(doc.get("relayAttempts")).as(doc.get("error") + " " + doc.get("transcript")).hasSize(13);
            assertThat(doc.get("enumerableUsers").toString()).contains("root");
            assertThat(doc.get("banner").asText()).startsWith("220 mx.p25.test ESMTP Exim 4.96");
            assertThat(doc.get("openRelay").asBoolean()).isFalse();
            assertThat(doc.get("vrfy").asText()).as(doc.get("transcript").toString()).isEqualTo("UNIFORM");
            assertThat(doc.get("vrfyDisclosesUsers").asBoolean()).isFalse();
            assertThat(doc.get("expnEnabled").asBoolean()).isFalse();
            assertThat(doc.get("rcpt").asText()).isEqualTo("DISCLOSES");
            assertThat(doc.get("bannerLeaksSoftware").asBoolean()).isTrue();
            JsonNode rec = record("exim-default-vrfy-501", "198.18.25.12", "root,postmaster", "",
                    deb(EximLab.debs(), "exim4-daemon-light", "Exim"), doc);
            assertThat(rec.get("transcript").toString()).contains("501 ");

            JsonNode local = run(server, "probe", "--local", "--json");
            assertThat(local.at("/listeners/0/mta").asText()).as(local.toString()).isEqualTo("exim");
            // relay and enumeration from Exim's own ACLs for an outside client (exim -bh), as the peer met them
            assertThat(local.at("/listeners/0/eximHostCheck/relayFormsTried").asInt()).as(local.toString()).isEqualTo(13);
            assertThat(local.at("/listeners/0/eximHostCheck/relayFormsAccepted").asInt()).isZero();
            assertThat(local.at("/listeners/0/eximHostCheck/rcpt").asText()).isEqualTo(doc.get("rcpt").asText());
            assertThat(local.at("/listeners/0/eximHostCheck/vrfy").asText()).isEqualTo(doc.get("vrfy").asText());
            assertThat(local.at("/listeners/0/verdicts/openRelay/value").asBoolean()).isFalse();
            assertThat(local.at("/listeners/0/verdicts/openRelay/source").asText()).isEqualTo("configuration");
            assertThat(local.at("/listeners/0/verdicts/openRelay/why").asText())
                    .isEqualTo("exim -bh 192.0.2.1 (its ACLs for a client from outside): refused all 13 relay forms");
            assertThat(local.at("/listeners/0/verdicts/userEnumeration/value").asBoolean()).isTrue();
            assertThat(local.at("/listeners/0/verdicts/userEnumeration/why").asText()).contains("told apart: root");
            assertThat(local.at("/listeners/0/verdicts/starttlsOffered/why").asText())
                    .isEqualTo("tls_advertise_hosts = *");
            assertThat(local.at("/listeners/0/verdicts/bannerLeaksSoftware/value").asBoolean()).isTrue();
            recordHostCheck("exim-default-host-check", exim, "root,postmaster",
                    deb(EximLab.debs(), "exim4-daemon-light", "Exim") + " through exim -bh 192.0.2.1",
                    local.at("/listeners/0/eximHostCheck"));
        }
    }

    /**
     * An Exim whose RCPT ACL accepts every recipient ("accept" put first in acl_check_rcpt) while
     * relay_from_hosts stays loopback only: the list alone would say "no relay"; the outside probe
     * relays, and so does the local verdict, which runs Exim's ACLs through {@code exim -bh}.
     */
    @Test
    void eximWhoseRcptAclAcceptsEveryoneIsAnOpenRelayFromTheLocalPathToo() throws Exception {
        requireEximDebs();
        try (EximLab exim = EximLab.start(server, "198.18.25.12",
                conf -> conf.replaceFirst("(?m)^acl_check_rcpt:$", "acl_check_rcpt:\n  accept"))) {
            JsonNode doc = probe("198.18.25.12", "--users", "root");
            assertThat(doc.get("openRelay").asBoolean()).as(doc.get("transcript").toString()).isTrue();
            record("exim-rcpt-acl-accepts-everyone", "198.18.25.12", "root", "",
                    deb(EximLab.debs(), "exim4-daemon-light", "Exim"), doc);
            JsonNode local = run(server, "probe", "--local", "--json");
            JsonNode l = local.at("/listeners/0");
            assertThat(l.at("/verdicts/openRelay/value").asBoolean()).as(local.toString()).isTrue();
            assertThat(l.at("/verdicts/openRelay/source").asText()).isEqualTo("configuration");
            assertThat(l.at("/verdicts/openRelay/why").asText())
                    .startsWith("exim -bh 192.0.2.1 (its ACLs for a client from outside): accepted RCPT TO:");
            assertThat(l.at("/eximHostCheck/relayFormsAccepted").asInt()).isPositive();
            recordHostCheck("exim-rcpt-acl-accepts-everyone-host-check", exim, "root,postmaster",
                    deb(EximLab.debs(), "exim4-daemon-light", "Exim") + " through exim -bh 192.0.2.1",
                    l.at("/eximHostCheck"));
            assertThat(local.get("exitCode").asInt()).isEqualTo(2);
        }
    }

    /**
     * A hostile or broken server gives a finding or an error within bounded time, never a hang:
     * the jar runs with a 64 MB heap, so an unbounded buffer would fail it too.
     */
    @ParameterizedTest
    @ValueSource(strings = {"endless-line", "slow-drip", "huge-ehlo",
            "garbage-after-starttls", "early-close"})
    void hostileServersEndInBoundedTime(String mode) throws Exception {
        Path script = jar.resource("/smtp/hostile_server.py");
        // the address first: the server binds it at once (it raced the address and lost on Temurin 25)
        server.ok("ip", "addr", "add", "198.18.25.13/24", "dev", "p25a");
        BackgroundProcess server25 = null;
        try {
            server25 = server.spawn(server.inside(List.of("/usr/bin/python3", script.toString(), mode, "198.18.25.13")));
            assertThat(server25.readLine(Duration.ofSeconds(10))).as(server25.stderrIfEnded()).contains("READY");
            long t0 = System.nanoTime();
            List<String> argv = new ArrayList<>(peer.inside(List.of()));
            argv.addAll(jar.argvWithJvmOptions(List.of("-Xmx64m"), "probe", "198.18.25.13", "--json"));
            CommandResult r = new CommandRunner().run(new Command(argv, Duration.ofSeconds(120), Map.of(), new byte[0]));
            double seconds = (System.nanoTime() - t0) / 1e9;
            JsonNode doc = MAPPER.readTree(r.stdout());
            System.out.println(mode + ": " + String.format(Locale.ROOT, "%.1f s", seconds) + ", exit "
                    + r.exitCode() + ", findings " + ids(doc) + ", error " + doc.get("error"));
            assertThat(seconds).as("bounded by the 10 s reply deadline, not the server").isLessThan(30);
            assertThat(r.stderr()).doesNotContain("Exception", "OutOfMemoryError");
            switch (mode) {
                case "endless-line", "slow-drip" -> {
                    assertThat(ids(doc)).containsExactly("NOT_SMTP");
                    assertThat(r.exitCode()).isEqualTo(1);
                }
                case "huge-ehlo" -> {
                    assertThat(doc.get("error").asText()).contains("a reply of more than 100 lines");
                    assertThat(r.exitCode()).as("stopped early: not clean").isEqualTo(3);
                }
                case "garbage-after-starttls" -> assertThat(doc.at("/tls/error").asText())
                        .contains("bytes after its STARTTLS reply");
                default -> {
                    assertThat(doc.get("error").asText()).contains("closed the connection");
                    assertThat(r.exitCode()).isEqualTo(3);
                }
            }
            JsonNode rec = record("hostile-" + mode, "198.18.25.13", "root,postmaster", "",
                    "agent/src/test/resources/smtp/hostile_server.py " + mode + " (/usr/bin/python3), not an MTA", null);
            assertThat(ids(rec)).isEqualTo(ids(doc));
            assertThat(rec.get("error").isNull()).isEqualTo(doc.get("error").isNull());
        } finally {
            if (server25 != null) {
                server25.stop();
            }
            server.ok("ip", "addr", "del", "198.18.25.13/24", "dev", "p25a");
        }
    }

    /** Relay refused, VRFY on: users are told apart by VRFY (252 against 550) and by RCPT. */
    @Test
    void enumerablePostfix() throws Exception {
        try (PostfixLab pf = PostfixLab.start(server, "198.18.25.12", Map.of("disable_vrfy_command", "no"))) {
            JsonNode doc = probe("198.18.25.12", "--users", "root,postmaster,p25nosuchuser");
            Map<String, String> nmap = nmap("198.18.25.12");
            System.out.println("nmap on the enumerable Postfix: " + nmap);
            // nmap 7.93 tries RCPT and EXPN, gives up on their codes and never tries VRFY, which discloses
            assertThat(nmap.get("smtp-enum-users")).contains("Method RCPT returned a unhandled status code")
                    .doesNotContain("root");
            assertThat(nmap.get("smtp-open-relay")).contains("doesn't seem to be an open relay");
            assertThat(doc.get("openRelay").asBoolean()).isFalse();
            assertThat(doc.get("vrfy").asText()).isEqualTo("DISCLOSES");
            assertThat(doc.get("rcpt").asText()).isEqualTo("DISCLOSES");
            assertThat(doc.get("enumerableUsers").toString()).isEqualTo("[\"root\",\"postmaster\"]");
            assertThat(ids(doc)).contains("VRFY_DISCLOSES", "USER_ENUMERATION").doesNotContain("OPEN_RELAY");
            assertThat(doc.get("exitCode").asInt()).isEqualTo(1);
            record("postfix-vrfy-enabled", "198.18.25.12", "root,postmaster,p25nosuchuser", "", postfix(), doc);
            JsonNode local = run(server, "probe", "--local", "--json");
            assertThat(local.at("/listeners/0/verdicts/vrfyDisclosesUsers/value").asBoolean()).isTrue();
            assertThat(local.at("/listeners/0/verdicts/vrfyDisclosesUsers/source").asText()).isEqualTo("configuration");
            assertThat(local.at("/listeners/0/verdicts/userEnumeration/value").asBoolean()).isTrue();
            assertThat(local.at("/listeners/0/verdicts/openRelay/value").asBoolean()).isFalse();
        }
    }

    /** Loopback only: an outsider cannot connect at all; the local path still sees and judges it. */
    @Test
    void loopbackOnlyPostfix() throws Exception {
        try (PostfixLab pf = PostfixLab.start(server, "127.0.0.1", Map.of("disable_vrfy_command", "yes"))) {
            JsonNode outside = probe("198.18.25.1");
            assertThat(outside.get("error").asText()).contains("Connection refused");
            JsonNode local = run(server, "probe", "--local", "--json");
            assertThat(local.at("/listeners/0/endpoint").asText()).isEqualTo("tcp 127.0.0.1:25");
            assertThat(local.at("/listeners/0/mta").asText()).isEqualTo("postfix");
            assertThat(local.at("/listeners/0/verdicts/openRelay/value").asBoolean()).isFalse();
            assertThat(local.at("/listeners/0/verdicts/userEnumeration/value").asBoolean())
                    .as("RCPT tells users apart for whoever reaches it, here only the host itself").isTrue();
            assertThat(local.at("/listeners/0/localProbe/banner").asText()).startsWith("220 mx.p25.test ESMTP");
        }
    }

    /** A wildcard Postfix, IPv4 and IPv6: the local path probes each listener on its own family's loopback. */
    @Test
    void wildcardPostfixIsProbedOnEachFamilysLoopback() throws Exception {
        try (PostfixLab pf = PostfixLab.start(server, "all", Map.of("mynetworks", "127.0.0.0/8 [::1]/128"))) {
            JsonNode local = run(server, "probe", "--local", "--json");
            Map<String, JsonNode> byEndpoint = new HashMap<>();
            local.get("listeners").forEach(l -> byEndpoint.put(l.get("endpoint").asText(), l));
            assertThat(byEndpoint).containsOnlyKeys("tcp 0.0.0.0:25", "tcp [::]:25");
            assertThat(byEndpoint.get("tcp 0.0.0.0:25").at("/localProbe/target").asText()).isEqualTo("127.0.0.1:25");
            assertThat(byEndpoint.get("tcp [::]:25").at("/localProbe/target").asText()).isEqualTo("[::1]:25");
            for (JsonNode l : byEndpoint.values()) {
                assertThat(l.at("/localProbe/banner").asText()).as(l.toString()).startsWith("220 mx.p25.test");
                assertThat(l.at("/verdicts/openRelay/value").asBoolean()).isFalse();
            }
            // and from the peer over IPv6, the address bare and in brackets with a port
            for (String target : List.of("fd00:25::1", "[fd00:25::1]:25")) {
                JsonNode v6 = probe(target);
                assertThat(v6.get("target").asText()).isEqualTo("[fd00:25::1]:25");
                assertThat(v6.get("banner").asText()).startsWith("220 mx.p25.test");
                assertThat(v6.get("openRelay").asBoolean()).isFalse();
                assertThat(v6.get("relayAttempts").toString()).contains("[IPv6:fd00:25::1]");
            }
            record("postfix-wildcard-ipv6", "fd00:25::1", "root,postmaster", "", postfix(), probe("fd00:25::1"));
        }
    }

    @Test
    void nothingListeningIsUnknownNotClean() throws Exception {
        JsonNode doc = probe("198.18.25.1");
        assertThat(doc.get("banner").isNull()).isTrue();
        assertThat(doc.get("error").asText()).contains("Connection refused");
        assertThat(doc.get("exitCode").asInt()).isEqualTo(3);
        JsonNode rec = record("nothing-listening", "198.18.25.1", "root,postmaster", "",
                "no server: nothing listens on 198.18.25.1:25 in the test's namespace (connection refused)", doc);
        assertThat(rec.get("error").asText()).contains("Connection refused");
    }
}
