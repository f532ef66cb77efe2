package dev.port25.firewall.host;

import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.HostFilter;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.IpAddresses;
import dev.port25.firewall.net.IpFamily;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which filter a platform's host is judged by, and that a Windows read that fails is said, not thrown. */
class HostFiltersTest {

    @Test
    void onWindowsAFailedReadOfTheFirewallIsAFilterWhoseEveryAcceptIsUnknownWithWhy() {
        Prerequisites.require("env");
        HostFilter f = new HostFilters(new CommandRunner().withPrefix(List.of("env", "PATH=/nonexistent-port25")),
                true).read();
        assertThat(f.unread()).hasSize(1);
        assertThat(f.unread().get(0)).startsWith("Windows Defender Firewall: windows: ").contains("powershell.exe");
        Exposure e = f.exposure(IpFamily.IPV4, 25);
        assertThat(e.level()).isEqualTo(Exposure.Level.UNKNOWN);
        assertThat(e.notes()).anyMatch(n -> n.contains("powershell.exe"));
        // and no route is asked for: every network connection's profile is judged
        assertThat(new HostFilters(new CommandRunner(), true).arrivalInterface(IpAddresses.parse("192.0.2.1")))
                .isEmpty();
    }

    @Test
    void onLinuxItIsEveryNetfilterLayer() {
        assertThat(new HostFilters(new CommandRunner(), false).read()).isInstanceOf(PacketFilter.class);
    }
}
