package dev.port25.firewall.eval;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.IpFamily;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The iptables-legacy tables that exist, per family, from {@code /proc/net/ip_tables_names} and
 * {@code ip6_tables_names} of the runner's network namespace. Reading must never create state:
 * {@code iptables-legacy-save -t filter} instantiates the filter table of a namespace that had
 * none (iptables 1.8.9; from then on every iptables-nft command warns "iptables-legacy tables
 * present"), and the legacy tools load ip_tables when the names file is missing. So a legacy
 * table is read only when this lists it.
 */
public final class LegacyTables {

    private LegacyTables() {
    }

    /**
     * The legacy tables of {@code family}: empty when none exists (no names file: the x_tables
     * module is not loaded); {@link Optional#empty()} when that cannot be told (the file is root's).
     */
    public static Optional<Set<String>> names(CommandRunner runner, IpFamily family) {
        Path file = Path.of("/proc/net", family == IpFamily.IPV6 ? "ip6_tables_names" : "ip_tables_names");
        try {
            return Optional.of(runner.readFile(file).map(text -> Set.copyOf(text.lines().map(String::strip)
                    .filter(l -> !l.isEmpty()).toList())).orElse(Set.of()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether the legacy {@code table} of {@code family} is known not to exist. */
    public static boolean absent(CommandRunner runner, IpFamily family, String table) {
        return names(runner, family).map(n -> !n.contains(table)).orElse(false);
    }
}
