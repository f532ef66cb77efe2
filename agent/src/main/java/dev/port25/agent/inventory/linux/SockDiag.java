package dev.port25.agent.inventory.linux;

import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Pure encoding of sock_diag requests and decoding of their replies (linux/inet_diag.h,
 * linux/sock_diag.h). No I/O here, so tests run on captured bytes. Netlink headers are in host
 * byte order; ports and addresses in {@code inet_diag_sockid} are in network byte order; ports in
 * the filter bytecode are in host order.
 */
final class SockDiag {

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;

    static final int SOCK_DIAG_BY_FAMILY = 20;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final short NLM_F_REQUEST = 0x1;
    static final short NLM_F_DUMP = 0x300;

    /** TCP_LISTEN; bound, unconnected UDP sockets are in TCP_CLOSE (what {@code ss -ul} lists). */
    static final int TCP_LISTEN = 10;
    static final int TCP_CLOSE = 7;

    static final int INET_DIAG_REQ_BYTECODE = 1;
    static final int INET_DIAG_SKV6ONLY = 11;

    static final int BC_JMP = 1;
    static final int BC_S_GE = 2;
    static final int BC_S_LE = 3;

    static final int NLMSG_HDRLEN = 16;
    static final int REQ_V2_LEN = 56;
    static final int DIAG_MSG_LEN = 72;

    private SockDiag() {
    }

    /** A socket as one sock_diag reply describes it. */
    record Entry(Family family, Protocol protocol, int state, byte[] address, int port, int ifIndex,
                 int uid, long inode, Optional<Boolean> v6only) {
    }

    /** The kernel answered a request with an error. */
    static final class KernelError extends Exception {
        final int errno;

        KernelError(int errno) {
            super("sock_diag request failed: errno " + errno + " (" + Errno.name(errno) + ")");
            this.errno = errno;
        }
    }

    /** One request: a dump of {@code protocol} sockets of {@code family} in {@code state} whose local port is in {@code ports}. */
    static byte[] request(int seq, Family family, Protocol protocol, int state, SortedSet<Integer> ports) {
        byte[] bytecode = portFilter(ports);
        int attrLen = 4 + bytecode.length;
        int total = NLMSG_HDRLEN + REQ_V2_LEN + attrLen;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.nativeOrder());
        b.putInt(total);
        b.putShort((short) SOCK_DIAG_BY_FAMILY);
        b.putShort((short) (NLM_F_REQUEST | NLM_F_DUMP));
        b.putInt(seq);
        b.putInt(0);
        // inet_diag_req_v2
        b.put((byte) (family == Family.IPV4 ? AF_INET : AF_INET6));
        b.put((byte) (protocol == Protocol.TCP ? IPPROTO_TCP : IPPROTO_UDP));
        b.put((byte) 0); // idiag_ext: nothing extra; SKV6ONLY comes for LISTEN/CLOSE IPv6 sockets anyway
        b.put((byte) 0);
        b.putInt(1 << state);
        b.put(new byte[48]); // inet_diag_sockid: unused for a dump
        // nlattr INET_DIAG_REQ_BYTECODE
        b.putShort((short) attrLen);
        b.putShort((short) INET_DIAG_REQ_BYTECODE);
        b.put(bytecode);
        return b.array();
    }

    /**
     * Filter bytecode accepting a local port in {@code ports}. Each port is a block
     * {@code S_GE p; S_LE p}; blocks are joined by a JMP to the end (accept), the way {@code ss}
     * compiles "or", so that the kernel's audit can walk every block. GE/LE instead of S_EQ keeps
     * it working on kernels older than 4.16.
     */
    static byte[] portFilter(SortedSet<Integer> ports) {
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("at least one port");
        }
        int n = ports.size();
        int len = 20 * (n - 1) + 16;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        int i = 0;
        for (int port : ports) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            int remaining = len - b.position();
            // Fail jumps are the same in every block: to the next block, or past the end (reject).
            op(b, BC_S_GE, 8, 20);
            op(b, 0, 0, port);
            op(b, BC_S_LE, 8, 12);
            op(b, 0, 0, port);
            if (++i < n) {
                op(b, BC_JMP, 4, remaining - 16); // matched: jump to the end, accept
            }
        }
        return b.array();
    }

    private static void op(ByteBuffer b, int code, int yes, int no) {
        b.put((byte) code);
        b.put((byte) yes);
        b.putShort((short) no);
    }

    /**
     * Decodes one datagram of a dump reply into {@code out}.
     *
     * @return true when the datagram ended the dump (NLMSG_DONE)
     * @throws KernelError when the kernel answered with an error
     */
    static boolean decode(ByteBuffer datagram, int seq, Protocol protocol, List<Entry> out) throws KernelError {
        ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
        while (b.remaining() >= NLMSG_HDRLEN) {
            int start = b.position();
            int len = b.getInt(start);
            int type = Short.toUnsignedInt(b.getShort(start + 4));
            int msgSeq = b.getInt(start + 8);
            if (len < NLMSG_HDRLEN || len > b.limit() - start) {
                throw new IllegalStateException("malformed netlink message: length " + len
                        + " with " + (b.limit() - start) + " bytes left");
            }
            if (msgSeq != seq) {
                // A reply to another request on this socket; not ours to read.
                b.position(start + align(len));
                continue;
            }
            if (type == NLMSG_DONE) {
                return true;
            }
            if (type == NLMSG_ERROR) {
                int error = b.getInt(start + NLMSG_HDRLEN);
                if (error != 0) {
                    throw new KernelError(-error);
                }
            } else if (type == SOCK_DIAG_BY_FAMILY) {
                out.add(entry(b, start + NLMSG_HDRLEN, start + len, protocol));
            }
            b.position(Math.min(b.limit(), start + align(len)));
        }
        return false;
    }

    private static Entry entry(ByteBuffer b, int at, int end, Protocol protocol) {
        if (end - at < DIAG_MSG_LEN) {
            throw new IllegalStateException("short inet_diag_msg: " + (end - at) + " bytes");
        }
        int fam = Byte.toUnsignedInt(b.get(at));
        int state = Byte.toUnsignedInt(b.get(at + 1));
        int port = ((b.get(at + 4) & 0xff) << 8) | (b.get(at + 5) & 0xff);
        Family family = fam == AF_INET ? Family.IPV4 : Family.IPV6;
        byte[] src = new byte[16];
        b.get(at + 8, src);
        byte[] address = family == Family.IPV4 ? Arrays.copyOf(src, 4) : src;
        int ifIndex = b.getInt(at + 40);
        int uid = b.getInt(at + 64);
        long inode = Integer.toUnsignedLong(b.getInt(at + 68));
        Optional<Boolean> v6only = family == Family.IPV4 ? Optional.of(false) : Optional.empty();
        for (int a = at + DIAG_MSG_LEN; a + 4 <= end; ) {
            int alen = Short.toUnsignedInt(b.getShort(a));
            int atype = Short.toUnsignedInt(b.getShort(a + 2)) & 0x3fff;
            if (alen < 4 || a + alen > end) {
                break;
            }
            if (atype == INET_DIAG_SKV6ONLY && alen >= 5) {
                v6only = Optional.of(b.get(a + 4) != 0);
            }
            a += align(alen);
        }
        return new Entry(family, protocol, state, address, port, ifIndex, uid, inode, v6only);
    }

    static int align(int len) {
        return (len + 3) & ~3;
    }

    static List<Entry> decodeAll(List<byte[]> datagrams, int seq, Protocol protocol) throws KernelError {
        List<Entry> out = new ArrayList<>();
        for (byte[] d : datagrams) {
            if (decode(ByteBuffer.wrap(d), seq, protocol, out)) {
                return out;
            }
        }
        throw new IllegalStateException("dump ended without NLMSG_DONE");
    }
}
