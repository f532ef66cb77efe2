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
 */
public record ApplyResult(boolean converged, List<CommandResult> ran, List<Change> remaining, FirewallState after) {

    public ApplyResult {
        ran = List.copyOf(ran);
        remaining = List.copyOf(remaining);
        Objects.requireNonNull(after, "after");
        if (converged != remaining.isEmpty()) {
            throw new IllegalArgumentException("converged exactly when nothing remains");
        }
    }
}
