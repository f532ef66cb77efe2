package dev.port25.agent.dns;

import com.fasterxml.jackson.databind.JsonNode;
import dev.port25.agent.testing.AgentJar;
import dev.port25.agent.testing.TempDirs;
import dev.port25.agent.testing.TestCa;
import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A MAIL_SERVER's DNS hygiene through the built jar ({@code audit --json}) against a real DNS
 * server, dnsmasq, and the JDK's HTTPS server as the MTA-STS policy hosts, both inside the test's
 * namespace with the agent: one domain per case, good and bad SPF, DMARC, MTA-STS (record,
 * policy, served how, MX coverage) and TLS-RPT records. The agent trusts the test's CA through
 * the JVM's standard trust store property.
 */
@Tag("netns")
class MailDomainIT {

    private static final String DNS4 = "198.18.53.1";
    private static final String DNS6 = "fd00:53::1";
    private static final String WEB4 = "198.18.53.2";
    private static final String WEB6 = "fd00:53::2";

    private static Netns ns;
    private static AgentJar jar;
    private static Path work;
    private static List<String> trust;
    private static Path trustStore;

    /** Every record dnsmasq serves: lines of its configuration file (which, unlike its command line, unquotes). */
    private static final List<String> RECORDS = List.of(
            // good: all four right; SPF split over two strings, beside a non-SPF TXT record
            "txt-record=good.test,\"v=spf1 mx\",\" -all\"",
            "txt-record=good.test,\"site-verification=abc123\"",
            "txt-record=_dmarc.good.test,\"v=DMARC1; p=reject; rua=mailto:dmarc@good.test\"",
            "txt-record=_mta-sts.good.test,\"v=STSv1; id=20261128T1200\"",
            "txt-record=_smtp._tls.good.test,\"v=TLSRPTv1; rua=mailto:tls@good.test\"",
            "mx-host=good.test,mx.good.test,10",
            // open: passes everyone, DMARC monitors only, no MTA-STS, no TLS-RPT
            "txt-record=open.test,\"v=spf1 +all\"",
            "txt-record=_dmarc.open.test,\"v=DMARC1; p=none\"",
            // bare.test: nothing at all
            // twice: two SPF records (a permerror), DMARC on half the mail
            "txt-record=twice.test,\"v=spf1 -all\"",
            "txt-record=twice.test,\"v=spf1 mx -all\"",
            "txt-record=_dmarc.twice.test,\"v=DMARC1; p=quarantine; pct=50\"",
            // mail.parent.test: SPF through a redirect, DMARC from the parent's sp=
            "txt-record=mail.parent.test,\"v=spf1 redirect=_spf.parent.test\"",
            "txt-record=_spf.parent.test,\"v=spf1 ip4:198.18.0.0/15 -all\"",
            "txt-record=_dmarc.parent.test,\"v=DMARC1; p=none; sp=reject\"",
            // loop.test: SPF redirects to itself
            "txt-record=loop.test,\"v=spf1 redirect=loop.test\"",
            "txt-record=_dmarc.loop.test,\"v=DMARC1; p=reject\"",
            "txt-record=_smtp._tls.loop.test,\"v=TLSRPTv1;\"",
            // MTA-STS cases: no SPF or DMARC (P25-201, P25-204 each)
            "txt-record=_mta-sts.testing.test,\"v=STSv1; id=1\"",
            "mx-host=testing.test,mx1.testing.test,10",
            "txt-record=_mta-sts.uncovered.test,\"v=STSv1; id=2\"",
            "mx-host=uncovered.test,mx.uncovered.test,10",
            "mx-host=uncovered.test,backup.mx.uncovered.test,20",
            "txt-record=_mta-sts.redirect.test,\"v=STSv1; id=3\"",
            "txt-record=_mta-sts.gone.test,\"v=STSv1; id=4\"",
            "txt-record=_mta-sts.html.test,\"v=STSv1; id=5\"",
            "txt-record=_mta-sts.badpolicy.test,\"v=STSv1; id=6\"",
            "txt-record=_mta-sts.wrongcert.test,\"v=STSv1; id=7\"",
            "txt-record=_mta-sts.nohost.test,\"v=STSv1; id=8\"",
            "txt-record=_mta-sts.noid.test,\"v=STSv1;\"",
            "txt-record=_mta-sts.big.test,\"v=STSv1; id=11\"",
            "txt-record=_mta-sts.twosts.test,\"v=STSv1; id=9\"",
            "txt-record=_mta-sts.twosts.test,\"v=STSv1; id=10\"");

    /** Each domain's expected findings, "id severity". */
    private static final Map<String, List<String>> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("good.test", List.of()),
            Map.entry("open.test", List.of("P25-202 CRITICAL", "P25-205 MEDIUM", "P25-206 MEDIUM", "P25-210 LOW")),
            Map.entry("bare.test", List.of("P25-201 HIGH", "P25-204 HIGH", "P25-206 MEDIUM", "P25-210 LOW")),
            Map.entry("twice.test", List.of("P25-203 HIGH", "P25-205 MEDIUM", "P25-206 MEDIUM", "P25-210 LOW")),
            Map.entry("mail.parent.test", List.of("P25-206 MEDIUM", "P25-210 LOW")),
            Map.entry("loop.test", List.of("P25-203 HIGH", "P25-206 MEDIUM", "P25-210 LOW")),
            Map.entry("testing.test", List.of("P25-201 HIGH", "P25-204 HIGH", "P25-208 LOW", "P25-210 LOW")),
            Map.entry("uncovered.test", List.of("P25-201 HIGH", "P25-204 HIGH", "P25-209 CRITICAL", "P25-210 LOW")),
            Map.entry("redirect.test", List.of("P25-201 HIGH", "P25-204 HIGH", "P25-207 HIGH", "P25-210 LOW")),
            Map.entry("gone.test", List.of("P25-201 HIGH", "P25-204 HIGH", "P25-207 HIGH", "P25-210 LOW")),
            Map.entry("html.test", List.of("P25-201 HIGH", "P25-204 HIGH", "P25-207 HIGH", "P25-210 LOW")),
            Map.entry("badpolicy.test", List.of("P25-201 HIGH", "P25-204 HIGH", "P25-207 HIGH", "P25-210 LOW")),
            Map.entry("wrongcert.test", List.of("P25-201 HIGH", "P25-204 HIGH", "P25-207 HIGH", "P25-210 LOW")),
            Map.entry("nohost.test", List.of("P25-201 HIGH", "P25-204 HIGH", "P25-207 HIGH", "P25-210 LOW")),
            Map.entry("big.test", List.of("P25-201 HIGH", "P25-204 HIGH", "P25-207 HIGH", "P25-210 LOW")),
            Map.entry("noid.test", List.of("P25-201 HIGH", "P25-204 HIGH", "P25-206 MEDIUM", "P25-210 LOW")),
            Map.entry("twosts.test", List.of("P25-201 HIGH", "P25-204 HIGH", "P25-206 MEDIUM", "P25-210 LOW"))));

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.require("ip", "dnsmasq", "openssl", "ss", "python3");
        work = Files.createTempDirectory("p25-dns-");
        ns = Netns.create("dns");
        ns.ok("ip", "addr", "add", DNS4 + "/32", "dev", "lo");
        ns.ok("ip", "addr", "add", WEB4 + "/32", "dev", "lo");
        ns.ok("ip", "-6", "addr", "add", DNS6 + "/128", "dev", "lo");
        ns.ok("ip", "-6", "addr", "add", WEB6 + "/128", "dev", "lo");
        certificates();
        site();
        List<String> conf = new ArrayList<>(RECORDS);
        for (String web : List.of("good", "testing", "uncovered", "redirect", "gone", "html", "badpolicy",
                "wrongcert", "twosts", "big")) {
            conf.add("host-record=mta-sts." + web + ".test," + WEB4 + "," + WEB6);
        }
        Files.write(work.resolve("dnsmasq.conf"), conf);
        BackgroundProcess dns = ns.spawn(ns.inside(List.of(Prerequisites.find("dnsmasq").toString(),
                "--keep-in-foreground", "--conf-file=" + work.resolve("dnsmasq.conf"), "--no-resolv", "--no-hosts",
                "--no-poll", "--pid-file", "--log-facility=-", "--log-queries", "--bind-interfaces",
                "--listen-address=" + DNS4, "--listen-address=" + DNS6, "--local=/test/")));
        awaitUdp53(dns);
        BackgroundProcess web = ns.spawn(ns.inside(List.of(javaBin("java"), "-cp", System.getProperty("java.class.path"),
                PolicyServer.class.getName(), "::", "443", work.resolve("server.p12").toString(),
                work.resolve("site").toString())));
        assertThat(web.readLine(Duration.ofSeconds(30))).as("policy server: %s", web.stderrIfEnded()).hasValue("listening");
        jar = AgentJar.copy();
        trust = List.of("-Djavax.net.ssl.trustStore=" + trustStore,
                "-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    @AfterAll
    static void stop() throws Exception {
        if (jar != null) {
            jar.close();
        }
        if (ns != null) {
            ns.close();
        }
        if (work != null) {
            TempDirs.deleteTree(work);
        }
    }

    private static String javaBin(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }

    private static void awaitUdp53(BackgroundProcess dns) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!dns.isAlive()) {
                throw new AssertionError("dnsmasq ended: " + dns.stderrIfEnded());
            }
            CommandResult r = ns.run(List.of("ss", "-Hlun", "sport = :53"), Duration.ofSeconds(5));
            if (r.stdout().contains(DNS4) && r.stdout().contains(DNS6)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("dnsmasq did not bind port 53 in 10 s");
    }

    /** A CA the agent trusts, and one certificate for every policy host but wrongcert's. */
    private static void certificates() throws Exception {
        TestCa ca = TestCa.create(work);
        List<String> names = new ArrayList<>();
        for (String d : List.of("good", "testing", "uncovered", "redirect", "gone", "html", "badpolicy", "twosts", "big")) {
            names.add("DNS:mta-sts." + d + ".test");
        }
        ca.issue("server", "subjectAltName=" + String.join(",", names), "extendedKeyUsage=serverAuth");
        ca.keyStore("server");
        trustStore = ca.trustStore();
    }

    /** What each policy host serves. */
    private static void site() throws Exception {
        String good = "version: STSv1\r\nmode: enforce\r\nmx: mx.good.test\r\nmax_age: 604800\r\n";
        serve("good", Map.of("body", good));
        serve("testing", Map.of("body", "version: STSv1\nmode: testing\nmx: *.testing.test\nmax_age: 86400\n"));
        // '*.' covers one label: mx.uncovered.test, not backup.mx.uncovered.test
        serve("uncovered", Map.of("body", "version: STSv1\nmode: enforce\nmx: *.uncovered.test\nmax_age: 86400\n"));
        serve("redirect", Map.of("status", "301", "location", "https://mta-sts.good.test/.well-known/mta-sts.txt",
                "body", good));
        // gone: no site folder, so 404
        serve("html", Map.of("content-type", "text/html; charset=utf-8", "body", good));
        serve("badpolicy", Map.of("body", "version: STSv1\nmode: enforce\n"));
        serve("wrongcert", Map.of("body", good));
        serve("twosts", Map.of("body", good));
        serve("big", Map.of("body", good + "x-padding: " + "x".repeat(64 * 1024) + "\r\n"));
    }

    private static void serve(String domain, Map<String, String> files) throws Exception {
        Path dir = Files.createDirectories(work.resolve("site").resolve("mta-sts." + domain + ".test"));
        for (var f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
    }

    private static Path settings(String name, String dns) throws Exception {
        Path p = work.resolve(name);
        Files.writeString(p, "roles:\n  rules:\n    - role: MAIL_SERVER\n  mailServer:\n    domains: ["
                + String.join(", ", EXPECTED.keySet()) + "]\n" + dns);
        return p;
    }

    /** Each domain's findings among P25-2xx, "id severity", keyed by the domain the evidence starts with. */
    private static Map<String, List<String>> byDomain(JsonNode audit) {
        Map<String, List<String>> out = new TreeMap<>();
        EXPECTED.keySet().forEach(d -> out.put(d, new ArrayList<>()));
        for (JsonNode f : audit.get("findings")) {
            if (!f.get("id").asText().startsWith("P25-2")) {
                continue;
            }
            String evidence = f.get("evidence").asText();
            String domain = evidence.substring(0, evidence.indexOf(": "));
            assertThat(out).as(evidence).containsKey(domain);
            out.get(domain).add(f.get("id").asText() + " " + f.get("severity").asText());
        }
        out.replaceAll((d, l) -> new ArrayList<>(new TreeSet<>(l)));
        return out;
    }

    @Test
    void eachDomainsRecordsAreJudgedThroughTheConfiguredResolver() throws Exception {
        Path cfg = settings("ipv6-resolver.yml", "dns:\n  resolvers: [\"" + DNS6 + "\"]\n  timeoutSeconds: 5\n");
        JsonNode audit = jar.json(ns, trust, "audit", "--json", "--config", cfg.toString());
        assertThat(byDomain(audit)).as(audit.get("findings").toString()).isEqualTo(EXPECTED);
        assertThat(audit.get("verdict").asText()).isEqualTo("CRITICAL");
        String findings = audit.get("findings").toString();
        assertThat(findings).contains("open.test: \\\"v=spf1 +all\\\" passes every sender on the internet (+all)")
                .contains("redirect.test: https://mta-sts.redirect.test/.well-known/mta-sts.txt: HTTP 301 redirect to "
                        + "https://mta-sts.good.test/.well-known/mta-sts.txt, which senders do not follow")
                .contains("html.test: https://mta-sts.html.test/.well-known/mta-sts.txt: media type "
                        + "'text/html; charset=utf-8', not text/plain")
                .contains("gone.test: https://mta-sts.gone.test/.well-known/mta-sts.txt: HTTP 404")
                .contains("badpolicy.test: https://mta-sts.badpolicy.test/.well-known/mta-sts.txt is not a valid policy: "
                        + "no max_age; no mx")
                .contains("wrongcert.test: https://mta-sts.wrongcert.test/.well-known/mta-sts.txt: ")
                .contains("nohost.test: https://mta-sts.nohost.test/.well-known/mta-sts.txt: mta-sts.nohost.test: none")
                .contains("big.test: https://mta-sts.big.test/.well-known/mta-sts.txt: larger than 64 KiB")
                .contains("uncovered.test: MX backup.mx.uncovered.test matches no mx line of [*.uncovered.test]")
                .doesNotContain("MX mx.uncovered.test matches");
        Map<String, JsonNode> dns = new TreeMap<>();
        audit.get("dns").forEach(d -> dns.put(d.get("domain").asText(), d));
        assertThat(dns.keySet()).isEqualTo(EXPECTED.keySet());
        JsonNode good = dns.get("good.test");
        assertThat(good.at("/spf/0/records").toString()).as("strings of one record joined, the other record kept, sorted")
                .isEqualTo("[\"site-verification=abc123\",\"v=spf1 mx -all\"]");
        assertThat(good.at("/policy/body").asText()).startsWith("version: STSv1\r\nmode: enforce\r\n");
        assertThat(good.at("/policy/error").isNull()).isTrue();
        assertThat(good.at("/mx/records").toString()).isEqualTo("[\"mx.good.test\"]");
        assertThat(good.at("/tlsRpt/status").asText()).isEqualTo("FOUND");
        JsonNode parent = dns.get("mail.parent.test");
        assertThat(parent.get("spf").findValuesAsText("name")).containsExactly("mail.parent.test", "_spf.parent.test");
        assertThat(parent.get("dmarc").findValuesAsText("name")).containsExactly("_dmarc.mail.parent.test",
                "_dmarc.parent.test");
        assertThat(parent.at("/dmarc/0/detail").asText()).isEqualTo("NXDOMAIN");
        assertThat(parent.get("policy").isNull()).as("no MTA-STS record: nothing fetched").isTrue();
        assertThat(dns.get("loop.test").get("spf").size()).as("a redirect loop is asked once").isEqualTo(1);
    }

    @Test
    void withoutResolversTheSystemsAreAskedAndAnUnansweredQuestionIsNeverAMissingRecord() throws Exception {
        // ip netns exec puts /etc/netns/<name>/resolv.conf over /etc/resolv.conf for the agent
        Files.writeString(ns.etcOverlay().resolve("resolv.conf"), "nameserver " + DNS4 + "\n");
        Path system = settings("system-resolver.yml", "");
        JsonNode viaSystem = jar.json(ns, trust, "audit", "--json", "--config", system.toString());
        assertThat(byDomain(viaSystem)).as(viaSystem.get("findings").toString()).isEqualTo(EXPECTED);

        // a DNS port that never answers: every check is P25-211, none says a record is missing
        ns.ok("ip", "addr", "add", "198.18.53.9/32", "dev", "lo");
        BackgroundProcess mute = ns.spawn(ns.inside(List.of("/usr/bin/python3", "-c", "import socket,sys,time\n"
                + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('198.18.53.9',53))\nprint('bound')\n"
                + "sys.stdout.flush()\ntime.sleep(600)")));
        assertThat(mute.readLine(Duration.ofSeconds(10))).hasValue("bound");
        Path silent = settings("silent-resolver.yml", "dns:\n  resolvers: [198.18.53.9]\n  timeoutSeconds: 1\n");
        long started = System.nanoTime();
        JsonNode unanswered = jar.json(ns, trust, "audit", "--json", "--config", silent.toString());
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        Map<String, List<String>> got = byDomain(unanswered);
        for (var e : got.entrySet()) {
            assertThat(e.getValue()).as(e.getKey() + ": " + unanswered.get("findings")).containsOnly("P25-211 HIGH");
        }
        assertThat(unanswered.get("findings").toString()).contains("bare.test: SPF not judged: TXT bare.test: ")
                .contains("no answer within 1 s from [198.18.53.9]");
        assertThat(seconds).as("16 domains, questions at once, 1 s deadline each: well under a minute").isLessThan(30);
    }
}
