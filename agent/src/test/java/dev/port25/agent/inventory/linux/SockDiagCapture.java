package dev.port25.agent.inventory.linux;

import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Protocol;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * Records the fixtures under {@code src/test/resources/sockdiag/}: one request and the raw reply
 * datagrams of a real kernel. Not a test. Run inside a namespace holding listeners, e.g.
 * {@code ip netns exec NS java -cp <test classpath> dev.port25.agent.inventory.linux.SockDiagCapture OUTDIR}.
 */
public final class SockDiagCapture {

    private SockDiagCapture() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        try (NetlinkSockDiag nl = NetlinkSockDiag.open()) {
            capture(nl, out, kernel, Family.IPV6, Protocol.TCP, SockDiag.TCP_LISTEN, "tcp6-listen");
            capture(nl, out, kernel, Family.IPV4, Protocol.UDP, SockDiag.TCP_CLOSE, "udp4-bound");
        }
    }

    private static void capture(NetlinkSockDiag nl, Path out, String kernel, Family family, Protocol protocol,
                                int state, String name) throws Exception {
        List<byte[]> raw = new ArrayList<>();
        nl.dump(family, protocol, state, new TreeSet<>(List.of(25, 587)), raw);
        List<String> lines = new ArrayList<>();
        lines.add("# sock_diag " + protocol.label() + "/" + family.label() + " dump, ports 25 and 587, recorded by "
                + "SockDiagCapture from Linux " + kernel);
        lines.add("# line 1: the request; each further line: one reply datagram (hex)");
        raw.forEach(b -> lines.add(HexFormat.of().formatHex(b)));
        Files.write(out.resolve(name + ".hex"), lines);
    }
}
