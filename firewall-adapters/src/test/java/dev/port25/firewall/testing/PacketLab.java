package dev.port25.firewall.testing;

import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.ApplyResult;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallAdapterProvider;
import dev.port25.firewall.spi.Outbound;
import dev.port25.firewall.spi.Plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Two namespaces joined by veth: a server with a dual-stack listener on [::]:25, which greets
 * each connection it accepts as an SMTP server would ("220 ..."), and a peer that tries TCP
 * connections to it over IPv4 (198.18.25.1) and IPv6 (fd00:25::1) and counts one as open only
 * once the greeting (or the server's close) arrives: a connection whose packets after the
 * handshake are blocked opens at the client and carries nothing. Firewall adapters run against the server; the peer's
 * connection attempts prove what they did.
 */
public final class PacketLab implements AutoCloseable {

    public static final String PYTHON = "/usr/bin/python3";
    public static final String SERVER4 = "198.18.25.1";
    public static final String SERVER6 = "fd00:25::1";
    public static final String PEER4 = "198.18.25.2";
    public static final String PEER6 = "fd00:25::2";

    /** How the server listens on port 25. */
    public enum Listener {
        /** One socket on [::]:25 that takes IPv4 too (IPV6_V6ONLY off), as most MTAs bind. */
        DUAL_STACK,
        /** 0.0.0.0:25 and [::]:25 with IPV6_V6ONLY, one socket per family. */
        PER_FAMILY
    }

    private static final String LISTEN = "import socket, select, sys\n"
            + "if sys.argv[1] == 'DUAL_STACK':\n"
            + "    s=socket.socket(socket.AF_INET6); s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_V6ONLY,0)\n"
            + "    s.bind(('::',25)); socks=[s]\n"
            + "else:\n"
            + "    a=socket.socket(socket.AF_INET); a.bind(('0.0.0.0',25))\n"
            + "    b=socket.socket(socket.AF_INET6); b.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_V6ONLY,1)\n"
            + "    b.bind(('::',25)); socks=[a,b]\n"
            + "for s in socks: s.listen(64)\n"
            + "print('READY',flush=True)\n"
            + "while True:\n"
            + "    for s in select.select(socks,[],[])[0]:\n"
            + "        c,_=s.accept()\n"
            + "        try: c.sendall(b'220 p25 lab\\r\\n')\n"
            + "        except OSError: pass\n"
            + "        c.close()\n";
    /**
     * open (the greeting came, or the server's close: either way the connection carried
     * packets after its handshake; a listener elsewhere may not greet), refused (a TCP reset or ICMP port unreachable), unreachable
     * (another ICMP error: host, network or administratively prohibited), denied (EPERM/EACCES:
     * the sender's own output chain dropped it) or timeout; 2 s each for the connection and the
     * greeting, since an ICMPv6 reject shows only after the first retransmit.
     */
    private static final String PROBE = "import socket,sys\n"
            + "port=int(sys.argv[2]) if len(sys.argv) > 2 else 25\n"
            + "try:\n    c=socket.create_connection((sys.argv[1],port),timeout=2)\n"
            + "    c.recv(64); c.close(); print('open')\n"
            + "except (ConnectionRefusedError, ConnectionResetError): print('refused')\n"
            + "except (socket.timeout, TimeoutError): print('timeout')\n"
            + "except PermissionError: print('denied')\n"
            + "except OSError as e: print('unreachable')\n";

    /** The listener's Python program (argument: a {@link Listener} name); prints READY once it listens. */
    public static String listenScript() {
        return LISTEN;
    }

    /**
     * The peer's Python program (arguments: the server's address, and the port when not 25);
     * prints what {@link #probe} returns.
     */
    public static String probeScript() {
        return PROBE;
    }

    private final Netns server;
    private final Netns peer;

    private PacketLab(Netns server, Netns peer) {
        this.server = server;
        this.peer = peer;
    }

    /** Creates both namespaces, the link and the dual-stack listener. */
    public static PacketLab start(String tag) throws Exception {
        return start(tag, Listener.DUAL_STACK);
    }

    /** Creates both namespaces, the link and the listener. */
    public static PacketLab start(String tag, Listener listening) throws Exception {
        Netns server = Netns.create(tag + "-s");
        Netns peer;
        try {
            peer = Netns.create(tag + "-c");
        } catch (Exception e) {
            server.close();
            throw e;
        }
        PacketLab lab = new PacketLab(server, peer);
        try {
            Netns.link(server, SERVER4 + "/24", SERVER6 + "/64", peer, PEER4 + "/24", PEER6 + "/64");
            BackgroundProcess listener = server.spawn(server.inside(List.of(PYTHON, "-c", LISTEN, listening.name())));
            if (!listener.readLine(Duration.ofSeconds(10)).orElse("").equals("READY")) {
                throw new IllegalStateException("listener did not start: " + listener.stderrIfEnded());
            }
        } catch (Exception e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    public Netns server() {
        return server;
    }

    public Netns peer() {
        return peer;
    }

    /** What a connection from the peer to the server's port 25 meets. */
    public String probe(String host) throws Exception {
        CommandResult r = peer.run(List.of(PYTHON, "-c", PROBE, host), Duration.ofSeconds(10));
        if (!r.ok()) {
            throw new IllegalStateException(r.describe());
        }
        return r.stdout().strip();
    }

    /** "ipv4=open ipv6=timeout". */
    public String probeBoth() throws Exception {
        return "ipv4=" + probe(SERVER4) + " ipv6=" + probe(SERVER6);
    }

    /** A listener on port 25 in the peer, for egress tests (stopped with the peer). */
    public void listenOnPeer() throws Exception {
        BackgroundProcess listener = peer.spawn(peer.inside(List.of(PYTHON, "-c", LISTEN, Listener.DUAL_STACK.name())));
        if (!listener.readLine(Duration.ofSeconds(10)).orElse("").equals("READY")) {
            throw new IllegalStateException("peer listener did not start: " + listener.stderrIfEnded());
        }
    }

    /** What a connection from the server to {@code host}:25 meets (egress). */
    public String probeFromServer(String host) throws Exception {
        CommandResult r = server.run(List.of(PYTHON, "-c", PROBE, host), Duration.ofSeconds(10));
        if (!r.ok()) {
            throw new IllegalStateException(r.describe());
        }
        return r.stdout().strip();
    }

    /** "ipv4=open ipv6=denied local=open,open": egress to the peer, and local submission to 127.0.0.1 and ::1. */
    public String probeEgress() throws Exception {
        return "ipv4=" + probeFromServer(PEER4) + " ipv6=" + probeFromServer(PEER6) + " local="
                + probeFromServer("127.0.0.1") + "," + probeFromServer("::1");
    }

    /**
     * Egress, proven by connections from the server: refused (a TCP reset, so a local MTA defers at
     * once instead of waiting for a timeout) towards everything but the relay (the peer's IPv6
     * address), local submission still open, the same plan twice runs nothing,
     * and OPEN removes the block; each convergence also checked against all layers.
     */
    public void proveEgress(FirewallAdapter adapter) throws Exception {
        listenOnPeer();
        if (!probeEgress().equals("ipv4=open ipv6=open local=open,open")) {
            throw new AssertionError("egress before: " + probeEgress());
        }
        Desired blocked = new Desired(Map.of()).withOutbound(25,
                new Outbound.BlockedExcept(List.of(Cidr.parse(PEER6))));
        converge(adapter, blocked);
        String after = probeEgress();
        if (!after.equals("ipv4=refused ipv6=open local=open,open")) {
            throw new AssertionError(adapter.id() + " egress blocked except the relay: " + after);
        }
        if (!adapter.apply(adapter.plan(adapter.state(), blocked)).ran().isEmpty()) {
            throw new AssertionError(adapter.id() + ": the same egress plan twice ran commands");
        }
        converge(adapter, new Desired(Map.of()).withOutbound(25, new Outbound.Open()));
        if (!probeEgress().equals("ipv4=open ipv6=open local=open,open")) {
            throw new AssertionError(adapter.id() + " egress after OPEN: " + probeEgress());
        }
    }

    /** The adapter of {@code backend} from the ServiceLoader, running commands in the server namespace. */
    public FirewallAdapter adapter(String backend) {
        for (FirewallAdapterProvider p : ServiceLoader.load(FirewallAdapterProvider.class)) {
            if (p.id().equals(backend)) {
                return p.create(CommandRunner.inNetworkNamespace(server.name()));
            }
        }
        throw new AssertionError("no " + backend + " provider on the ServiceLoader path");
    }

    /**
     * Plans, applies, and requires convergence, an empty second plan, and that the evaluation of
     * every layer afterwards gives the desired state on both families ({@link ApplyResult#unmet()}).
     */
    public static ApplyResult converge(FirewallAdapter adapter, Desired desired) throws Exception {
        Plan plan = adapter.plan(adapter.state(), desired);
        ApplyResult r = adapter.apply(plan);
        if (!r.converged() || !adapter.plan(adapter.state(), desired).isEmpty()) {
            throw new AssertionError(adapter.id() + " did not converge to " + desired + ": remaining " + r.remaining());
        }
        if (!r.unmet().isEmpty()) {
            throw new AssertionError(adapter.id() + " converged to " + desired + " but the layers say " + r.unmet());
        }
        return r;
    }

    @Override
    public void close() {
        try {
            peer.close();
        } finally {
            server.close();
        }
    }
}
