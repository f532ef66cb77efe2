package dev.port25.agent.cli;

import dev.port25.agent.inventory.NamespaceSelection;
import dev.port25.agent.settings.SettingsLoader;
import picocli.CommandLine.Option;

/** {@code --namespaces host|all|auto}, shared by the commands that list listeners. */
final class NamespacesOption {

    @Option(names = "--namespaces", paramLabel = "WHICH",
            description = "Network namespaces to list and judge: ${COMPLETION-CANDIDATES} (any case). ALL: every one "
                    + "on the host (containers, ip netns), each that cannot be entered named with why; HOST: the "
                    + "agent's own; AUTO: all as root, else host. Default: inventory.namespaces in the settings (auto).")
    NamespaceSelection namespaces;

    /** {@code loaded} with the namespaces asked for, if any. */
    SettingsLoader.Loaded apply(SettingsLoader.Loaded loaded) {
        return namespaces == null ? loaded
                : new SettingsLoader.Loaded(loaded.settings().withNamespaces(namespaces), loaded.file());
    }
}
