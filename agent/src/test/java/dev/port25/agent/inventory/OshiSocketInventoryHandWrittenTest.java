package dev.port25.agent.inventory;

import org.junit.jupiter.api.Test;
import oshi.software.os.InternetProtocolStats.IPConnection;
import oshi.software.os.InternetProtocolStats.TcpState;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OSHI inventory's reading of socket rows written by hand (no Windows here) as OSHI gives
 * them from Windows' GetExtendedTcpTable: a dual-mode MTA in both tables, a kernel listener of
 * pid 4, connections that are not listeners.
 */
class OshiSocketInventoryHandWrittenTest {

    private static final byte[] ANY4 = new byte[4];
    private static final byte[] ANY6 = new byte[16];

    private static IPConnection tcp(String type, byte[] local, int port, TcpState state, int pid) {
        return new IPConnection(type, local, port, type.equals("tcp4") ? ANY4 : ANY6, 0, state, 0, 0, pid);
    }

    private static Owner mta(int pid) {
        return new Owner(pid, "smtpd.exe", Optional.of("C:\\Mail\\smtpd.exe"), Optional.of("NT AUTHORITY\\NETWORK "
                + "SERVICE"), OptionalInt.empty());
    }

    private static final List<IPConnection> ROWS = List.of(
            tcp("tcp4", ANY4, 25, TcpState.LISTEN, 2280),
            tcp("tcp6", ANY6, 25, TcpState.LISTEN, 2280),
            tcp("tcp4", ANY4, 445, TcpState.LISTEN, 4),
            tcp("tcp4", new byte[]{(byte) 192, 0, 2, 10}, 25, TcpState.ESTABLISHED, 2280));

    private static Listener find(Inventory inv, Family family, int port) {
        return inv.listeners().stream().filter(l -> l.family() == family && l.port() == port).findFirst()
                .orElseThrow();
    }

    @Test
    void onWindowsEachRowIsItsOwnFamilyAndPid4IsTheKernel() {
        Inventory inv = new OshiSocketInventory(true).inventory(ROWS, Set.of(25, 445), OshiSocketInventoryHandWrittenTest::mta);
        assertThat(inv.listeners()).hasSize(3);
        Listener v6 = find(inv, Family.IPV6, 25);
        assertThat(v6.v6only()).as("Windows' default; a dual-mode socket has its own IPv4 row").contains(true);
        assertThat(v6.owners()).containsExactly(mta(2280));
        Listener kernel = find(inv, Family.IPV4, 445);
        assertThat(kernel.owners()).extracting(Owner::pid, Owner::name).containsExactly(
                org.assertj.core.groups.Tuple.tuple(4L, "System"));
        assertThat(kernel.ownersUnknown()).contains(OshiSocketInventory.KERNEL);
        assertThat(inv.gaps()).isEqualTo(OshiSocketInventory.WINDOWS_GAPS);
    }

    @Test
    void elsewhereAnIpv6RowMayAcceptIpv4AndPid4IsAProcess() {
        Inventory inv = new OshiSocketInventory(false).inventory(ROWS, Set.of(25, 445), OshiSocketInventoryHandWrittenTest::mta);
        assertThat(inv.listeners()).hasSize(3);
        assertThat(find(inv, Family.IPV6, 25).v6only()).isEmpty();
        assertThat(find(inv, Family.IPV4, 445).owners()).containsExactly(mta(4));
        assertThat(inv.gaps()).isEqualTo(OshiSocketInventory.GAPS);
    }
}
