package dev.port25.agent.inventory.linux;

import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Protocol;
import dev.port25.firewall.net.IpAddresses;
import dev.port25.firewall.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** sock_diag encoding and decoding over bytes recorded from a real kernel (see SockDiagCapture). */
class SockDiagTest {

    private static final TreeSet<Integer> PORTS = new TreeSet<>(List.of(25, 587));

    /** Lines of a fixture without comments: request first, then reply datagrams. */
    private static List<byte[]> fixture(String name) {
        List<byte[]> out = new ArrayList<>();
        for (String line : Fixtures.text("/sockdiag/" + name).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.add(HexFormat.of().parseHex(line.strip()));
            }
        }
        return out;
    }

    private static int seqOf(byte[] message) {
        return ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()).getInt(8);
    }

    private static String describe(SockDiag.Entry e) {
        return e.protocol().label() + " " + IpAddresses.text(IpAddresses.of(e.address())) + ":" + e.port()
                + " state=" + e.state() + " ino=" + e.inode() + " v6only=" + e.v6only().map(String::valueOf).orElse("?");
    }

    @Test
    void encodesTheTcp6RequestTheKernelAccepted() {
        byte[] recorded = fixture("tcp6-listen.hex").get(0);
        byte[] encoded = SockDiag.request(seqOf(recorded), Family.IPV6, Protocol.TCP, SockDiag.TCP_LISTEN, PORTS);
        assertThat(HexFormat.of().formatHex(encoded)).isEqualTo(HexFormat.of().formatHex(recorded));
    }

    @Test
    void encodesTheUdp4RequestTheKernelAccepted() {
        byte[] recorded = fixture("udp4-bound.hex").get(0);
        byte[] encoded = SockDiag.request(seqOf(recorded), Family.IPV4, Protocol.UDP, SockDiag.TCP_CLOSE, PORTS);
        assertThat(encoded).isEqualTo(recorded);
    }

    @Test
    void requestLayoutFollowsInetDiagH() {
        byte[] r = SockDiag.request(7, Family.IPV4, Protocol.TCP, SockDiag.TCP_LISTEN, new TreeSet<>(List.of(25)));
        ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.nativeOrder());
        assertThat(b.getInt(0)).as("nlmsg_len").isEqualTo(r.length).isEqualTo(16 + 56 + 4 + 16);
        assertThat(b.getShort(4)).as("SOCK_DIAG_BY_FAMILY").isEqualTo((short) 20);
        assertThat(b.getShort(6)).as("NLM_F_REQUEST|NLM_F_DUMP").isEqualTo((short) 0x301);
        assertThat(b.getInt(8)).as("seq").isEqualTo(7);
        assertThat(r[16]).as("AF_INET").isEqualTo((byte) 2);
        assertThat(r[17]).as("IPPROTO_TCP").isEqualTo((byte) 6);
        assertThat(b.getInt(20)).as("states: TCP_LISTEN").isEqualTo(1 << 10);
        assertThat(b.getShort(72)).as("nla_len").isEqualTo((short) 20);
        assertThat(b.getShort(74)).as("INET_DIAG_REQ_BYTECODE").isEqualTo((short) 1);
        // S_GE 25, S_LE 25: yes jumps over the port slot, no jumps past the end (reject).
        assertThat(HexFormat.of().formatHex(r, 76, r.length)).isEqualTo(
                "02081400" + "0000" + portHex(25) + "03080c00" + "0000" + portHex(25));
    }

    private static String portHex(int port) {
        ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.nativeOrder());
        b.putShort((short) port);
        return HexFormat.of().formatHex(b.array());
    }

    @Test
    void filterJoinsPortsWithAJumpToTheEnd() {
        byte[] bc = SockDiag.portFilter(new TreeSet<>(List.of(25, 465, 587)));
        assertThat(bc).hasSize(20 + 20 + 16);
        ByteBuffer b = ByteBuffer.wrap(bc).order(ByteOrder.nativeOrder());
        // block 1: after S_LE matched, JMP with yes=4 (audit walks on) and no=remaining (accept)
        assertThat(bc[16]).as("JMP").isEqualTo((byte) SockDiag.BC_JMP);
        assertThat(bc[17]).isEqualTo((byte) 4);
        assertThat(b.getShort(18)).isEqualTo((short) (56 - 16));
        assertThat(bc[36]).as("JMP").isEqualTo((byte) SockDiag.BC_JMP);
        assertThat(b.getShort(38)).isEqualTo((short) (56 - 20 - 16));
        assertThat(Short.toUnsignedInt(b.getShort(46))).as("third port").isEqualTo(587);
    }

    @Test
    void rejectsPortsOutOfRange() {
        assertThatThrownBy(() -> SockDiag.portFilter(new TreeSet<>(List.of(0)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SockDiag.portFilter(new TreeSet<>(List.of(65536)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SockDiag.portFilter(new TreeSet<>())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decodesRecordedTcp6ReplyAsSsSawIt() throws Exception {
        List<byte[]> f = fixture("tcp6-listen.hex");
        List<SockDiag.Entry> entries = SockDiag.decodeAll(f.subList(1, f.size()), seqOf(f.get(0)), Protocol.TCP);
        // ss -H -tulnpe (ss-tulnpe.txt): *:25 v6only:0 ino:13874; [::1]:587 v6only:1 ino:13875;
        // [fd00::25]:587 v6only:1 ino:13876; [::1]:26 (ino:13877) is outside the filter.
        assertThat(entries).map(SockDiagTest::describe).containsExactlyInAnyOrder(
                "tcp :::25 state=10 ino=13874 v6only=false",
                "tcp ::1:587 state=10 ino=13875 v6only=true",
                "tcp fd00::25:587 state=10 ino=13876 v6only=true");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.family()).isEqualTo(Family.IPV6);
            assertThat(e.uid()).isZero();
            assertThat(e.ifIndex()).isZero();
        });
    }

    @Test
    void decodesRecordedUdp4Reply() throws Exception {
        List<byte[]> f = fixture("udp4-bound.hex");
        List<SockDiag.Entry> entries = SockDiag.decodeAll(f.subList(1, f.size()), seqOf(f.get(0)), Protocol.UDP);
        assertThat(entries).map(SockDiagTest::describe).containsExactlyInAnyOrder(
                "udp 0.0.0.0:25 state=7 ino=13878 v6only=false",
                "udp 127.0.0.1:587 state=7 ino=13879 v6only=false");
    }

    @Test
    void skipsMessagesOfAnotherSequenceNumber() throws Exception {
        List<byte[]> f = fixture("udp4-bound.hex");
        List<SockDiag.Entry> out = new ArrayList<>();
        boolean done = SockDiag.decode(ByteBuffer.wrap(f.get(1)), seqOf(f.get(0)) + 1, Protocol.UDP, out);
        assertThat(done).isFalse();
        assertThat(out).isEmpty();
    }

    /** Hand-made NLMSG_ERROR (no kernel error was recorded): the kernel's negative errno. */
    @Test
    void kernelErrorBecomesAnExceptionNamingTheErrno() {
        ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
        b.putInt(36).putShort((short) SockDiag.NLMSG_ERROR).putShort((short) 0).putInt(9).putInt(0);
        b.putInt(-2);
        assertThatThrownBy(() -> SockDiag.decode(ByteBuffer.wrap(b.array()), 9, Protocol.UDP, new ArrayList<>()))
                .isInstanceOf(SockDiag.KernelError.class).hasMessageContaining("ENOENT");
    }

    @Test
    void truncatedMessageIsAnErrorNotASilentlyShortList() throws Exception {
        byte[] reply = fixture("udp4-bound.hex").get(1);
        byte[] cut = Arrays.copyOf(reply, 60);
        assertThatThrownBy(() -> SockDiag.decode(ByteBuffer.wrap(cut), seqOf(reply), Protocol.UDP, new ArrayList<>()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("malformed");
    }

    @Test
    void dumpWithoutDoneIsAnError() throws Exception {
        List<byte[]> f = fixture("udp4-bound.hex");
        assertThatThrownBy(() -> SockDiag.decodeAll(List.of(f.get(1)), seqOf(f.get(0)), Protocol.UDP))
                .hasMessageContaining("NLMSG_DONE");
    }
}
