package dev.port25.agent.facts;

import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.inventory.InventorySource;
import dev.port25.agent.platform.NetworkNamespaces;
import dev.port25.agent.settings.Role;
import dev.port25.agent.settings.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Facts per network namespace: the agent's own first, the one the host-wide accessors read. */
class FactsTest {

    static final RoleResolver.Decision NONE = new RoleResolver.Decision(Role.NONE, "test");

    static Facts.Namespace namespace(String name, String error) {
        return new Facts.Namespace(name, Facts.Result.failed(error), Facts.Result.of(new Facts.FirewallView(
                Optional.empty(), Map.of(), Map.of(), List.of())), Optional.empty());
    }

    @Test
    void theHostsNamespaceIsFirstAndTheAccessorsReadIt() {
        Facts f = new Facts("h", NONE, Settings.defaults(), List.of(namespace(NetworkNamespaces.HOST, "own"),
                namespace("container", "other")), Optional.empty());
        assertThat(f.host().name()).isEqualTo(NetworkNamespaces.HOST);
        assertThat(f.inventory().error()).contains("own");
        assertThat(f.namespaces()).extracting(Facts.Namespace::name).containsExactly("host", "container");
    }

    @Test
    void thereIsAlwaysTheAgentsOwnNamespace() {
        assertThatThrownBy(() -> new Facts("h", NONE, Settings.defaults(), List.of(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Facts("h", NONE, Settings.defaults(), List.of(namespace("container", "x"),
                namespace(NetworkNamespaces.HOST, "y")), Optional.empty())).isInstanceOf(IllegalArgumentException.class);
        Facts one = new Facts("h", NONE, Settings.defaults(), Facts.Result.of(new Inventory(InventorySource.NETLINK,
                Set.of(25), List.of(), List.of())), Facts.Result.failed("no nft"), Optional.empty());
        assertThat(one.namespaces()).extracting(Facts.Namespace::name).containsExactly(NetworkNamespaces.HOST);
        assertThat(NetworkNamespaces.gathered()).first().isEqualTo(NetworkNamespaces.HOST);
    }
}
