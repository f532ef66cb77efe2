package dev.port25.firewall.spi;

/**
 * One firewall backend, speaking the same four verbs as every other: {@link #detect()},
 * {@link #state()}, {@link #plan}, {@link #apply}. Dry-run is "plan, then stop": {@code plan} is
 * pure and renders the exact commands; {@code apply} only runs a plan, then re-reads the state
 * and says whether it converged.
 *
 * <p>Ownership: an adapter only ever adds, changes or removes rules that carry the marker
 * {@value #MARKER} (or live in a table or chain of that name); everything else is read, reported
 * and left alone.
 */
public interface FirewallAdapter {

    /** The marker every rule, table or chain the agent creates carries. */
    String MARKER = "port25-agent";

    /** The backend id, as its provider's. */
    String id();

    /** Whether the backend is installed and active here. Never throws: failures are in the result. */
    Detection detect();

    /** Reads the current state. Changes nothing. */
    FirewallState state() throws FirewallException;

    /** The changes that take {@code state} to {@code desired}; empty when it is already there. Pure. */
    Plan plan(FirewallState state, Desired desired);

    /** Runs {@code plan}, re-reads the state and reports whether it now matches the plan's desired state. */
    ApplyResult apply(Plan plan) throws FirewallException;
}
