package dev.port25.agent.inventory.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Protocol;
import dev.port25.agent.platform.linux.LibC;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/** A NETLINK_SOCK_DIAG socket through JNA. One per inventory; not thread-safe. */
final class NetlinkSockDiag implements AutoCloseable {

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int MSG_TRUNC = 0x20;
    private static final int BUFFER = 64 * 1024;
    private static final int RECEIVE_TIMEOUT_SECONDS = 5;

    private final LibC libc;
    private final int fd;
    private final Memory buffer = new Memory(BUFFER);
    private int seq = (int) (System.nanoTime() & 0x3fffffff);

    private NetlinkSockDiag(LibC libc, int fd) {
        this.libc = libc;
        this.fd = fd;
    }

    static NetlinkSockDiag open() throws IOException {
        LibC libc = LibC.Binding.get();
        int fd;
        try {
            fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        } catch (LastErrorException e) {
            throw new IOException("cannot open a NETLINK_SOCK_DIAG socket: " + Errno.name(e.getErrorCode()), e);
        }
        NetlinkSockDiag nl = new NetlinkSockDiag(libc, fd);
        // struct timeval { long tv_sec; long tv_usec; }: C longs, 8 bytes on 64-bit Linux, 4 on 32-bit.
        int cLong = Native.LONG_SIZE;
        try (Memory timeval = new Memory(2L * cLong)) {
            timeval.setNativeLong(0, new NativeLong(RECEIVE_TIMEOUT_SECONDS));
            timeval.setNativeLong(cLong, new NativeLong(0));
            libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 2 * cLong);
        } catch (LastErrorException e) {
            nl.close();
            throw new IOException("cannot set a receive timeout on the netlink socket: "
                    + Errno.name(e.getErrorCode()), e);
        }
        return nl;
    }

    /** Dumps the sockets of one family and protocol in {@code state} on {@code ports}. */
    List<SockDiag.Entry> dump(Family family, Protocol protocol, int state, SortedSet<Integer> ports)
            throws IOException {
        return dump(family, protocol, state, ports, null);
    }

    /** As {@link #dump(Family, Protocol, int, SortedSet)}; also copies each raw datagram into {@code raw} if given. */
    List<SockDiag.Entry> dump(Family family, Protocol protocol, int state, SortedSet<Integer> ports,
                              List<byte[]> raw) throws IOException {
        int mySeq = ++seq;
        if (raw != null) {
            raw.add(SockDiag.request(mySeq, family, protocol, state, ports));
        }
        byte[] request = SockDiag.request(mySeq, family, protocol, state, ports);
        try {
            long sent = libc.send(fd, request, new NativeLong(request.length), 0).longValue();
            if (sent != request.length) {
                throw new IOException("short netlink send: " + sent + " of " + request.length + " bytes");
            }
        } catch (LastErrorException e) {
            throw new IOException("netlink send failed: " + Errno.name(e.getErrorCode()), e);
        }
        List<SockDiag.Entry> out = new ArrayList<>();
        while (true) {
            long n;
            try {
                n = libc.recv(fd, buffer, new NativeLong(BUFFER), MSG_TRUNC).longValue();
            } catch (LastErrorException e) {
                throw new IOException("netlink receive failed for " + what(family, protocol) + ": "
                        + Errno.name(e.getErrorCode()), e);
            }
            if (n > BUFFER) {
                throw new IOException("netlink reply of " + n + " bytes exceeds the " + BUFFER + "-byte buffer");
            }
            if (n <= 0) {
                throw new IOException("netlink socket closed during the " + what(family, protocol) + " dump");
            }
            ByteBuffer datagram = buffer.getByteBuffer(0, n);
            if (raw != null) {
                raw.add(buffer.getByteArray(0, (int) n));
            }
            try {
                if (SockDiag.decode(datagram, mySeq, protocol, out)) {
                    return out;
                }
            } catch (SockDiag.KernelError e) {
                throw new IOException(what(family, protocol) + ": " + e.getMessage(), e);
            }
        }
    }

    private static String what(Family family, Protocol protocol) {
        return protocol.label() + "/" + family.label();
    }

    @Override
    public void close() {
        try {
            libc.close(fd);
        } catch (LastErrorException ignored) {
            // nothing to do about a failed close of a socket we only read from
        }
        buffer.close();
    }
}
