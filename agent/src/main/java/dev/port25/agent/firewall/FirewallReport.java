package dev.port25.agent.firewall;

import dev.port25.firewall.eval.Decision;
import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.Verdict;
import dev.port25.firewall.net.IpFamily;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code port25-agent firewall} found: the backend the agent would act through, and per
 * family either the exposure of the port (no source given) or the decision for a given source.
 *
 * @param port          the TCP port judged
 * @param backend       the selected backend id; empty when none can act
 * @param backendDetail what the selection said (the backend's detection, or why none can act)
 * @param exposures     per family, when no source was given
 * @param decisions     per family of a given source: the source and the decision
 * @param layers        every table read, in walking order
 * @param unread        layers that could not be read, each with why
 */
public record FirewallReport(int port, Optional<String> backend, String backendDetail,
                             Map<IpFamily, Exposure> exposures, Map<IpFamily, Sourced> decisions,
                             List<String> layers, List<String> unread) {

    /** A decision for one source address, with the interface it was taken to arrive on. */
    public record Sourced(InetAddress source, Optional<String> inInterface, Decision decision) {
    }

    public FirewallReport {
        Objects.requireNonNull(backend, "backend");
        exposures = Map.copyOf(exposures);
        decisions = Map.copyOf(decisions);
        layers = List.copyOf(layers);
        unread = List.copyOf(unread);
    }

    /** True when every verdict asked for is known. */
    public boolean decided() {
        return exposures.values().stream().noneMatch(e -> e.level() == Exposure.Level.UNKNOWN)
                && decisions.values().stream().noneMatch(d -> d.decision().verdict()
                        == Verdict.UNKNOWN);
    }
}
