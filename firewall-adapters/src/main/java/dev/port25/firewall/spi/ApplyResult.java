package dev.port25.firewall.spi;

import dev.port25.firewall.exec.CommandResult;

import java.util.List;
import java.util.Objects;

/**
 * What {@link FirewallAdapter#apply} did and found afterwards.
 *
 * @param converged   the state read after the commands matches the desired state
 * @param ran         every command run, with its result
 * @param remaining   the changes a new plan from the state read afterwards still wants; empty when converged
 * @param after       the state read afterwards
 * @param unmet       where every layer together still does something else than the desired state
 *                    (a foreign rule that keeps a port closed after OPEN, a DNAT that sends the port
 *                    past the agent's input rules), one line per port and family naming the rules
 *                    that decide; see {@link Applier#unmet}
 */
public record ApplyResult(boolean converged, List<CommandResult> ran, List<Change> remaining, FirewallState after,
                          List<String> unmet) {

    public ApplyResult {
        ran = List.copyOf(ran);
        remaining = List.copyOf(remaining);
        unmet = List.copyOf(unmet);
        Objects.requireNonNull(after, "after");
        if (converged != remaining.isEmpty()) {
            throw new IllegalArgumentException("converged exactly when nothing remains");
        }
    }
}
