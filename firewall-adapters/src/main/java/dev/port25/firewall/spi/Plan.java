package dev.port25.firewall.spi;

import java.util.List;
import java.util.Objects;

/**
 * The changes that take a backend to a desired state. An empty plan means already there;
 * applying it changes nothing.
 *
 * @param backend the backend id
 * @param desired the state the plan leads to, which {@link FirewallAdapter#apply} verifies
 * @param changes the steps, in order
 */
public record Plan(String backend, Desired desired, List<Change> changes) {

    public Plan {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(desired, "desired");
        changes = List.copyOf(changes);
    }

    /** True when nothing needs to change. */
    public boolean isEmpty() {
        return changes.isEmpty();
    }
}
