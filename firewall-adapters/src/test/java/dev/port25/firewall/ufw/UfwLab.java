package dev.port25.firewall.ufw;

import dev.port25.firewall.testing.Netns;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Gives a namespace its own copy of /etc/ufw and /etc/default, so ufw there never touches the host's. */
public final class UfwLab {

    private UfwLab() {
    }

    /** Own /etc/ufw and /etc/default for {@code ns}, ufw left inactive. */
    public static void ownInactiveUfwConfig(Netns ns) throws Exception {
        Path overlay = ns.etcOverlay();
        for (String dir : List.of("ufw", "default")) {
            Path from = Path.of("/etc", dir);
            try (Stream<Path> walk = Files.walk(from)) {
                for (Path p : walk.toList()) {
                    Path to = overlay.resolve(dir).resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    }
                }
            }
        }
    }

    /** Own ufw config for {@code ns}, enabled but accepting by default: the agent's rules decide what the peer sees. */
    public static void ownUfwConfig(Netns ns) throws Exception {
        ownInactiveUfwConfig(ns);
        ns.ok("ufw", "--force", "enable");
        ns.ok("ufw", "default", "allow", "incoming");
    }
}
