package dev.port25.firewall.testing;

import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Everything a backend's firewall holds, as text, for a test that requires it byte-identical
 * before and after (an enforcement and its undo): every layer as the kernel's tools print it (the
 * nftables ruleset, iptables-nft's tables in it among them, and the legacy iptables tables, where
 * a table that a read created shows), the manager's own view (ufw's status, firewalld's runtime
 * and permanent zones and direct rules), and the manager's files in the namespace's own /etc,
 * each with its path, backups among them. Counters are zeroed and the tools' timestamp lines dropped.
 */
public final class FullRuleset {

    private FullRuleset() {
    }

    /** {@link #layers} and then {@link #files}, as one text. */
    public static String dump(String backend, CommandRunner runner, Path etcOverlay) throws Exception {
        StringBuilder sb = new StringBuilder(layers(backend, runner));
        files(backend, etcOverlay).forEach((path, text) -> sb.append("## file ").append(path).append('\n')
                .append(text).append('\n'));
        return sb.toString();
    }

    /** Every layer and the manager's own view, as the tools print them. */
    public static String layers(String backend, CommandRunner runner) throws Exception {
        List<List<String>> tools = new ArrayList<>(List.of(List.of("nft", "list", "ruleset"),
                List.of("iptables-legacy-save"), List.of("ip6tables-legacy-save")));
        switch (backend) {
            case "ufw" -> tools.add(List.of("ufw", "status", "verbose"));
            case "firewalld" -> {
                tools.addAll(List.of(List.of("firewall-cmd", "--get-default-zone"),
                        List.of("firewall-cmd", "--list-all-zones"),
                        List.of("firewall-cmd", "--permanent", "--list-all-zones"),
                        List.of("firewall-cmd", "--direct", "--get-all-rules"),
                        List.of("firewall-cmd", "--permanent", "--direct", "--get-all-rules")));
            }
            default -> tools.addAll(List.of(List.of("iptables-save"), List.of("ip6tables-save")));
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> t : tools) {
            CommandResult r = runner.run(t.toArray(String[]::new));
            if (!r.ok()) {
                throw new IllegalStateException(r.describe());
            }
            sb.append("## ").append(String.join(" ", t)).append('\n');
            for (String l : r.stdout().split("\n")) {
                if (!l.startsWith("# Generated") && !l.startsWith("# Completed")) {
                    sb.append(l.replaceAll("\\[\\d+:\\d+]", "[0:0]").replaceAll("packets \\d+ bytes \\d+",
                            "packets 0 bytes 0")).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /**
     * The manager's own files in the namespace's /etc (ufw: /etc/ufw and /etc/default; firewalld:
     * /etc/firewalld), path to content, in path order; empty for the other backends.
     *
     * @param etcOverlay the namespace's /etc/netns/NAME
     */
    public static SortedMap<Path, String> files(String backend, Path etcOverlay) throws IOException {
        List<Path> roots = switch (backend) {
            case "ufw" -> List.of(etcOverlay.resolve("ufw"), etcOverlay.resolve("default"));
            case "firewalld" -> List.of(etcOverlay.resolve("firewalld"));
            default -> List.of();
        };
        SortedMap<Path, String> out = new TreeMap<>();
        for (Path root : roots) {
            if (Files.exists(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path p : walk.filter(Files::isRegularFile).toList()) {
                        out.put(p, Files.readString(p));
                    }
                }
            }
        }
        return out;
    }
}
