package dev.port25.firewall;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.FirewallSelector;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Prerequisites;
import dev.port25.firewall.ufw.UfwLab;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backend selection against the real tools in a namespace of its own. */
@Tag("netns")
class FirewallSelectorIT {

    @BeforeEach
    void prerequisites() {
        Prerequisites.require("ip", "nft", "iptables", "ufw", "firewall-cmd", "setpriv");
    }

    @Test
    void activeFrontEndWinsThenNftablesAndAPinOverrides() throws Exception {
        try (Netns ns = Netns.create("sel")) {
            CommandRunner in = CommandRunner.inNetworkNamespace(ns.name());
            FirewallSelector selector = new FirewallSelector();
            assertThat(selector.ids()).containsExactly("windows", "firewalld", "ufw", "nftables", "iptables");

            // No firewalld runs here (no bus), ufw has its own config and is inactive: nftables acts.
            UfwLab.ownInactiveUfwConfig(ns);
            FirewallSelector.Selection s = selector.select(in, Optional.empty());
            assertThat(s.adapter().id()).isEqualTo("nftables");
            assertThat(s.all()).anySatisfy(d -> { // first in priority, never active off Windows
                assertThat(d.backend()).isEqualTo("windows");
                assertThat(d.installed()).isFalse();
            });
            assertThat(s.all()).anySatisfy(d -> {
                assertThat(d.backend()).isEqualTo("ufw");
                assertThat(d.installed()).isTrue();
                assertThat(d.active()).isFalse();
            });

            ns.ok("ufw", "--force", "enable");
            assertThat(selector.select(in, Optional.empty()).adapter().id()).isEqualTo("ufw");
            assertThat(selector.select(in, Optional.of("iptables")).adapter().id()).isEqualTo("iptables");
            assertThatThrownBy(() -> selector.select(in, Optional.of("windows"))).isInstanceOf(FirewallException.class)
                    .hasMessage("the pinned firewall backend windows cannot act here: Windows Defender Firewall is not "
                            + "installed here: this host runs Linux, not Windows");
            assertThatThrownBy(() -> selector.select(in, Optional.of("pf")))
                    .isInstanceOf(FirewallException.class).hasMessageContaining("unknown firewall backend 'pf'");
        }
    }

    @Test
    void noneCanActWithoutPrivilegeAndTheErrorSaysWhy() {
        CommandRunner nobody = new CommandRunner().withPrefix(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        assertThatThrownBy(() -> new FirewallSelector().select(nobody, Optional.empty()))
                .isInstanceOf(FirewallException.class)
                .hasMessageContaining("no firewall backend can act here")
                .hasMessageContaining("nftables: ").hasMessageContaining("iptables: ").hasMessageContaining("ufw: ")
                .hasMessageContaining("firewalld: ").hasMessageContaining("windows: ");
        assertThatThrownBy(() -> new FirewallSelector().select(nobody, Optional.of("nftables")))
                .hasMessageContaining("the pinned firewall backend nftables cannot act here");
    }
}
