package dev.port25.agent.enforce;

import dev.port25.agent.facts.RoleResolver;
import dev.port25.agent.settings.Settings;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.ApplyResult;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.FirewallSelector;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;
import dev.port25.firewall.spi.Plan;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Converges the firewall to what the host's role needs, through the backend the settings pin
 * or detection selects, keeping the {@link Journal} so that {@link #undo()} removes exactly what
 * the agent added. A failed apply is rolled back: the agent's rules go back to what the journal
 * says was in place before (nothing, the first time), and the result says so.
 */
public final class Enforcer {

    /**
     * The plan for this host: role, the adapter that acts, the desired state, and the exact
     * changes; when the journal names another backend, the adapter and plan that remove the
     * previous enforcement's rules there first. {@link #enforce} applies exactly these plans.
     */
    public record Proposal(RoleResolver.Decision role, FirewallAdapter adapter, Desired desired, Plan plan,
                           Optional<Journal> previous, Optional<FirewallAdapter> oldAdapter, Optional<Plan> cleanup) {
        /** The backend id. */
        public String backend() {
            return adapter.id();
        }
    }

    /**
     * What enforce or undo did.
     *
     * @param converged  the backend now holds exactly the desired state
     * @param rolledBack a failure was rolled back (the agent's rules are as they were before)
     * @param lines      what happened, for the operator
     * @param unmet      where every layer together still does something else (foreign rules)
     */
    public record Outcome(boolean converged, boolean rolledBack, List<String> lines, List<String> unmet) {
    }

    private final CommandRunner runner;
    private final FirewallSelector selector;
    private final Path stateDir;

    public Enforcer(CommandRunner runner, FirewallSelector selector, Path stateDir) {
        this.runner = runner;
        this.selector = selector;
        this.stateDir = stateDir;
    }

    /** The plan, changing nothing: what {@code enforce --dry-run} prints. */
    public Proposal propose(Settings settings, RoleResolver.Decision role)
            throws EnforcementPolicy.Refused, FirewallException, IOException {
        EnforcementPolicy.desired(settings, role.role()); // refused before any tool runs
        return propose(settings, role, selector.select(runner, settings.firewall().backend().pin()).adapter());
    }

    /**
     * The plan through an adapter selected earlier (the daemon keeps its selection between drift
     * checks: detection runs the backends' tools, a quarter of a second and more).
     */
    public Proposal propose(Settings settings, RoleResolver.Decision role, FirewallAdapter adapter)
            throws EnforcementPolicy.Refused, FirewallException, IOException {
        Desired desired = EnforcementPolicy.desired(settings, role.role());
        Optional<Journal> previous = Journal.read(stateDir);
        Optional<FirewallAdapter> old = Optional.empty();
        Optional<Plan> cleanup = Optional.empty();
        if (previous.isPresent() && !previous.get().backend().equals(adapter.id())) {
            // the settings moved to another backend: the old one's rules go first
            old = Optional.of(adapter(previous.get().backend()));
            cleanup = Optional.of(old.get().plan(old.get().state(), nothing()));
        }
        return new Proposal(role, adapter, desired, adapter.plan(adapter.state(), desired), previous, old, cleanup);
    }

    /** Applies a proposal's plans (those dry-run printed) and verifies them; on failure rolls the agent's rules back. */
    public Outcome enforce(Proposal p) throws FirewallException, IOException {
        List<String> lines = new ArrayList<>();
        if (p.cleanup().isPresent()) {
            Journal old = p.previous().orElseThrow();
            ApplyResult r = p.oldAdapter().orElseThrow().apply(p.cleanup().get());
            if (!r.converged()) {
                return new Outcome(false, false, List.of("could not remove the rules of the previous enforcement in "
                        + old.backend() + "; nothing else was changed: " + r.remaining()), List.of());
            }
            Journal.clear(stateDir);
            lines.add("removed the rules of the previous enforcement in " + old.backend());
        }
        FirewallAdapter adapter = p.adapter();
        Desired before = p.previous().filter(j -> j.backend().equals(p.backend())).map(Journal::desired)
                .orElse(nothing());
        if (p.plan().isEmpty()) {
            lines.add(p.backend() + " already holds " + EnforcementPolicy.describe(p.desired()));
            new Journal(p.backend(), p.desired(), true, Instant.now()).write(stateDir);
            return new Outcome(true, false, lines, List.of());
        }
        new Journal(p.backend(), union(before, p.desired()), false, Instant.now()).write(stateDir);
        ApplyResult r;
        try {
            r = adapter.apply(p.plan());
        } catch (FirewallException | RuntimeException e) {
            return rollback(adapter, before, lines, "applying failed: " + e.getMessage());
        }
        if (!r.converged()) {
            return rollback(adapter, before, lines, "the state read afterwards still needs " + r.remaining().size()
                    + " change(s): " + r.remaining().stream().map(c -> c.description()).toList());
        }
        new Journal(p.backend(), p.desired(), true, Instant.now()).write(stateDir);
        lines.add(p.backend() + " now holds " + EnforcementPolicy.describe(p.desired()) + " (" + r.ran().size()
                + " command(s), verified by re-reading)");
        return new Outcome(true, false, lines, r.unmet());
    }

    private Outcome rollback(FirewallAdapter adapter, Desired before, List<String> lines, String why)
            throws IOException {
        lines.add(why);
        try {
            ApplyResult back = adapter.apply(adapter.plan(adapter.state(), before));
            if (back.converged()) {
                if (before.tcpInbound().isEmpty() && before.tcpOutbound().isEmpty()) {
                    Journal.clear(stateDir);
                } else {
                    new Journal(adapter.id(), before, true, Instant.now()).write(stateDir);
                }
                lines.add("rolled back: the agent's rules in " + adapter.id() + " are as they were before ("
                        + EnforcementPolicy.describe(before) + ")");
                return new Outcome(false, true, lines, List.of());
            }
            lines.add("ROLLBACK INCOMPLETE: " + back.remaining().stream().map(c -> c.description()).toList()
                    + "; the journal keeps the backend, so 'port25-agent undo' can still remove every rule of the agent's");
        } catch (FirewallException | RuntimeException e) {
            lines.add("ROLLBACK FAILED: " + e.getMessage() + "; the journal keeps the backend, so 'port25-agent undo' "
                    + "can still remove every rule of the agent's");
        }
        return new Outcome(false, false, lines, List.of());
    }

    /** Removes every rule the journal's backend holds for the agent, and the journal. */
    public Outcome undo() throws FirewallException, IOException {
        Optional<Journal> j = Journal.read(stateDir);
        if (j.isEmpty()) {
            return new Outcome(true, false, List.of("nothing to undo: no enforcement journal in " + stateDir), List.of());
        }
        FirewallAdapter adapter = adapter(j.get().backend());
        Plan plan = adapter.plan(adapter.state(), nothing());
        if (plan.isEmpty()) {
            Journal.clear(stateDir);
            return new Outcome(true, false, List.of(adapter.id() + " holds no rule of the agent's; journal removed"),
                    List.of());
        }
        ApplyResult r = adapter.apply(plan);
        if (!r.converged()) {
            return new Outcome(false, false, List.of("undo did not converge in " + adapter.id() + ": "
                    + r.remaining().stream().map(c -> c.description()).toList() + "; the journal is kept"), List.of());
        }
        Journal.clear(stateDir);
        return new Outcome(true, false, List.of("removed every rule of the agent's from " + adapter.id() + " ("
                + r.ran().size() + " command(s), verified by re-reading); journal removed"), List.of());
    }

    /** The undo plan, changing nothing. */
    public Optional<Plan> proposeUndo() throws FirewallException, IOException {
        Optional<Journal> j = Journal.read(stateDir);
        if (j.isEmpty()) {
            return Optional.empty();
        }
        FirewallAdapter adapter = adapter(j.get().backend());
        return Optional.of(adapter.plan(adapter.state(), nothing()));
    }

    private FirewallAdapter adapter(String backend) throws FirewallException {
        return selector.select(runner, Optional.of(backend)).adapter();
    }

    /** No rule of the agent's. */
    static Desired nothing() {
        return new Desired(Map.of(), Map.of());
    }

    /** Every port either names, the second winning: the journal's view while an apply is under way. */
    static Desired union(Desired a, Desired b) {
        Map<Integer, Inbound> in = new TreeMap<>(a.tcpInbound());
        in.putAll(b.tcpInbound());
        Map<Integer, Outbound> out = new TreeMap<>(a.tcpOutbound());
        out.putAll(b.tcpOutbound());
        return new Desired(in, out);
    }
}
