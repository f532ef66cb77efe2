package dev.port25.agent.facts;

import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventorySource;
import dev.port25.agent.inventory.NamespaceSelection;
import dev.port25.agent.inventory.NetNamespace;
import dev.port25.agent.platform.NetworkNamespaces;
import dev.port25.agent.settings.Role;
import dev.port25.agent.settings.Settings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Facts per network namespace: the agent's own first, the one the host-wide accessors read. */
class FactsTest {

    static final RoleResolver.Decision NONE = new RoleResolver.Decision(Role.NONE, "test");

    static Facts.Namespace namespace(String name, String error) {
        NetNamespace where = name.equals(NetNamespace.HOST) ? NetNamespace.host()
                : new NetNamespace(name, OptionalLong.of(4026532000L), List.of(Path.of("/run/netns/" + name)), List.of());
        return new Facts.Namespace(where, Facts.Result.failed(error), Optional.empty(),
                Facts.Result.of(new Facts.FirewallView(Optional.empty(), Map.of(), Map.of(), List.of())),
                Optional.empty());
    }

    @Test
    void theHostsNamespaceIsFirstAndTheAccessorsReadIt() {
        Facts f = new Facts("h", NONE, Settings.defaults(), List.of(namespace(NetworkNamespaces.HOST, "own"),
                namespace("netns/container", "other")), List.of(), Optional.empty());
        assertThat(f.host().name()).isEqualTo(NetworkNamespaces.HOST);
        assertThat(f.inventory().error()).contains("own");
        assertThat(f.namespaces()).extracting(Facts.Namespace::name).containsExactly("host", "netns/container");
        assertThat(f.others()).extracting(Facts.Namespace::name).containsExactly("netns/container");
    }

    @Test
    void thereIsAlwaysTheAgentsOwnNamespace() {
        assertThatThrownBy(() -> new Facts("h", NONE, Settings.defaults(), List.of(), List.of(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Facts("h", NONE, Settings.defaults(), List.of(namespace("netns/container", "x"),
                namespace(NetworkNamespaces.HOST, "y")), List.of(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        Facts one = new Facts("h", NONE, Settings.defaults(), Facts.Result.of(new Inventory(InventorySource.NETLINK,
                Set.of(25), List.of(), List.of())), Facts.Result.failed("no nft"), Optional.empty());
        assertThat(one.namespaces()).extracting(Facts.Namespace::name).containsExactly(NetworkNamespaces.HOST);
        assertThat(one.others()).isEmpty();
    }

    @Test
    void hostOnlyListsTheAgentsOwnNamespaceWithoutScanning() {
        NetworkNamespaces.Gathered g = NetworkNamespaces.gathered(NamespaceSelection.HOST);
        assertThat(g.namespaces()).containsExactly(NetNamespace.host());
        assertThat(g.gaps()).isEmpty();
    }
}
