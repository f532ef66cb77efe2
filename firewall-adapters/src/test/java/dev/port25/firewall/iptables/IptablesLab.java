package dev.port25.firewall.iptables;

import dev.port25.firewall.testing.Netns;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** iptables in a test namespace: which variant the plain tool names run there. */
public final class IptablesLab {

    static final List<String> TOOLS = List.of("iptables", "iptables-save", "iptables-restore",
            "ip6tables", "ip6tables-save", "ip6tables-restore");

    private IptablesLab() {
    }

    /** Points iptables* at {@code variant} for commands in this namespace only. */
    public static void useVariant(Netns ns, String variant) throws Exception {
        Path alternatives = ns.etcOverlay().resolve("alternatives");
        Files.createDirectories(alternatives);
        try (var entries = Files.list(Path.of("/etc/alternatives"))) {
            for (Path e : entries.toList()) {
                if (Files.isSymbolicLink(e)) {
                    Files.createSymbolicLink(alternatives.resolve(e.getFileName()), Files.readSymbolicLink(e));
                } else {
                    Files.copy(e, alternatives.resolve(e.getFileName()));
                }
            }
        }
        for (String tool : TOOLS) {
            Path link = alternatives.resolve(tool);
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of("/usr/sbin/" + tool.replaceFirst("tables", "tables-" + variant)));
        }
    }
}
