package dev.port25.firewall.ufw;

import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Trees;

import java.nio.file.Path;
import java.util.List;

/** Gives a namespace its own copy of /etc/ufw and /etc/default, so ufw there never touches the host's. */
public final class UfwLab {

    private UfwLab() {
    }

    /** Own /etc/ufw and /etc/default for {@code ns}, ufw left inactive. */
    public static void ownInactiveUfwConfig(Netns ns) throws Exception {
        Path overlay = ns.etcOverlay();
        for (String dir : List.of("ufw", "default")) {
            Trees.copy(Path.of("/etc", dir), overlay.resolve(dir));
        }
    }

    /**
     * Puts the packaged /etc/ufw and /etc/default back over the namespace's copies (ufw stopped
     * first): what the next case of a fuzzer starts from.
     */
    public static void restorePackagedConfig(Netns ns) throws Exception {
        Path overlay = ns.etcOverlay();
        for (String dir : List.of("ufw", "default")) {
            Trees.delete(overlay.resolve(dir));
        }
        ownInactiveUfwConfig(ns);
    }

    /** Own ufw config for {@code ns}, enabled but accepting by default: the agent's rules decide what the peer sees. */
    public static void ownUfwConfig(Netns ns) throws Exception {
        ownInactiveUfwConfig(ns);
        ns.ok("ufw", "--force", "enable");
        ns.ok("ufw", "default", "allow", "incoming");
    }
}
