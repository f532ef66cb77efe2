package dev.port25.firewall.nftables;

import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.ApplyResult;
import dev.port25.firewall.spi.Cidr;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallAdapterProvider;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Plan;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nftables adapter against real nft in a server namespace, proven by TCP connections from a
 * peer namespace over IPv4 and IPv6 (198.18.25.0/24, fd00:25::/64).
 */
@Tag("netns")
class NftablesNetnsIT {

    private static final String PYTHON = "/usr/bin/python3";
    private static final String SERVER4 = "198.18.25.1";
    private static final String SERVER6 = "fd00:25::1";
    /** A dual-stack listener on [::]:25. */
    private static final String LISTEN = "import socket,time\n"
            + "s=socket.socket(socket.AF_INET6)\n"
            + "s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_V6ONLY,0)\n"
            + "s.bind(('::',25)); s.listen(64); print('READY',flush=True)\n"
            + "while True:\n    c,_=s.accept(); c.close()\n";
    /** Prints open, refused or timeout for one connection attempt (2 s: an ICMPv6 reject shows late). */
    private static final String PROBE = "import socket,sys\n"
            + "try:\n    socket.create_connection((sys.argv[1],25),timeout=2).close(); print('open')\n"
            + "except ConnectionRefusedError: print('refused')\n"
            + "except (socket.timeout, TimeoutError): print('timeout')\n";

    @BeforeEach
    void prerequisites() {
        Prerequisites.require("ip", "nft", PYTHON);
    }

    private static String probe(Netns peer, String host) throws Exception {
        CommandResult r = peer.run(List.of(PYTHON, "-c", PROBE, host), Duration.ofSeconds(10));
        assertThat(r.ok()).as(r.describe()).isTrue();
        return r.stdout().strip();
    }

    private static FirewallAdapter adapter(Netns ns) {
        for (FirewallAdapterProvider p : ServiceLoader.load(FirewallAdapterProvider.class)) {
            if (p.id().equals("nftables")) {
                return p.create(CommandRunner.inNetworkNamespace(ns.name()));
            }
        }
        throw new AssertionError("no nftables provider on the ServiceLoader path");
    }

    private static ApplyResult converge(FirewallAdapter nft, Desired desired) throws Exception {
        Plan plan = nft.plan(nft.state(), desired);
        ApplyResult r = nft.apply(plan);
        assertThat(r.converged()).as("remaining: %s", r.remaining()).isTrue();
        assertThat(nft.plan(nft.state(), desired).isEmpty()).as("a second plan is empty").isTrue();
        return r;
    }

    @Test
    void closeOpenAllowFromAndRepairDriftProvenByPackets() throws Exception {
        try (Netns server = Netns.create("nft-s"); Netns peer = Netns.create("nft-c")) {
            Netns.link(server, SERVER4 + "/24", SERVER6 + "/64", peer, "198.18.25.2/24", "fd00:25::2/64");
            BackgroundProcess listener = server.spawn(server.inside(List.of(PYTHON, "-c", LISTEN)));
            assertThat(listener.readLine(Duration.ofSeconds(10))).contains("READY");
            FirewallAdapter nft = adapter(server);
            assertThat(nft.detect().active()).as(nft.detect().detail()).isTrue();

            assertThat(probe(peer, SERVER4)).isEqualTo("open");
            assertThat(probe(peer, SERVER6)).isEqualTo("open");

            // CLOSED: dropped on both families.
            converge(nft, Desired.of(25, new Inbound.Closed()));
            assertThat(probe(peer, SERVER4)).isEqualTo("timeout");
            assertThat(probe(peer, SERVER6)).isEqualTo("timeout");
            ApplyResult again = nft.apply(nft.plan(nft.state(), Desired.of(25, new Inbound.Closed())));
            assertThat(again.ran()).as("applying the same desired state twice runs nothing").isEmpty();

            // Drift: someone empties our chain; the state shows it and a new plan restores it.
            server.ok("nft", "flush", "chain", "inet", "port25_agent", "input");
            assertThat(probe(peer, SERVER4)).isEqualTo("open");
            assertThat(nft.plan(nft.state(), Desired.of(25, new Inbound.Closed())).changes()).hasSize(1);
            converge(nft, Desired.of(25, new Inbound.Closed()));
            assertThat(probe(peer, SERVER4)).isEqualTo("timeout");

            // ALLOW_FROM: only the peer's IPv6 address; its IPv4 address stays blocked.
            converge(nft, Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse("fd00:25::2/128")))));
            assertThat(probe(peer, SERVER6)).isEqualTo("open");
            assertThat(probe(peer, SERVER4)).isEqualTo("timeout");
            converge(nft, Desired.of(25, new Inbound.AllowFrom(List.of(Cidr.parse("198.18.25.0/24")))));
            assertThat(probe(peer, SERVER4)).isEqualTo("open");
            assertThat(probe(peer, SERVER6)).isEqualTo("timeout");

            // A foreign table is never touched: OPEN removes only ours.
            server.ok("nft", "add", "table", "inet", "admin");
            server.ok("nft", "add", "chain", "inet", "admin", "input", "{ type filter hook input priority 0; policy accept; }");
            server.ok("nft", "add", "rule", "inet", "admin", "input", "tcp", "dport", "26", "drop");
            converge(nft, Desired.of(25, new Inbound.Open()));
            assertThat(probe(peer, SERVER4)).isEqualTo("open");
            assertThat(probe(peer, SERVER6)).isEqualTo("open");
            String ruleset = server.ok("nft", "list", "ruleset").stdout();
            assertThat(ruleset).doesNotContain("port25_agent").contains("table inet admin", "tcp dport 26 drop");
        }
    }
}
