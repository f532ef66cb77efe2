package dev.port25.agent.daemon;

import dev.port25.agent.enforce.EnforcementPolicy;
import dev.port25.agent.enforce.Enforcer;
import dev.port25.agent.facts.RoleResolver;
import dev.port25.agent.settings.Settings;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.FirewallSelector;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Enforce mode: the firewall as the host's role needs it, through the backend selected last. */
final class Convergence {

    private final CommandRunner runner = new CommandRunner();
    private final FirewallSelector selector = new FirewallSelector();
    private final Path stateDir;
    /** The backend selected at the last drift check (or reload), for the watch's fast path. */
    private FirewallAdapter adapter;
    /** The settings' pin that backend was selected under. */
    private Optional<String> selectedFor = Optional.empty();

    Convergence(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** The settings changed: the next convergence selects the backend again (they may pin another). */
    synchronized void forgetBackend() {
        adapter = null;
    }

    /**
     * Converges once.
     *
     * @param reselect detect the backend again (the drift check does; a new listener uses the
     *                 backend selected last, to close it sooner)
     * @return what enforcing did; empty when nothing needed to change
     */
    synchronized Optional<Enforcer.Outcome> converge(Settings s, boolean reselect)
            throws EnforcementPolicy.Refused, FirewallException, IOException {
        RoleResolver.Decision role = RoleResolver.resolve(s, RoleResolver.localHostname());
        Enforcer enforcer = new Enforcer(runner, selector, stateDir);
        EnforcementPolicy.desired(s, role.role()); // a refusal before detection runs the backends' tools
        Optional<String> pin = s.firewall().backend().pin();
        if (reselect || adapter == null || !pin.equals(selectedFor)) { // settings that pin another: select again
            adapter = selector.select(runner, pin).adapter();
            selectedFor = pin;
        }
        Enforcer.Proposal p = enforcer.propose(s, role, adapter);
        if (p.plan().changes().isEmpty() && p.cleanup().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(enforcer.enforce(p));
    }
}
