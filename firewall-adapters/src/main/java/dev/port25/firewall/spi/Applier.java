package dev.port25.firewall.spi;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of {@link FirewallAdapter#apply} every backend shares: run each change's commands in
 * order, stop at the first that fails, then re-read the state and plan again to see what remains.
 */
public final class Applier {

    private Applier() {
    }

    /**
     * Runs {@code plan} for {@code adapter}.
     *
     * @param onFailure appended to the error when a command fails: what that leaves behind
     */
    public static ApplyResult apply(FirewallAdapter adapter, CommandRunner runner, Plan plan, String onFailure)
            throws FirewallException {
        List<CommandResult> ran = new ArrayList<>();
        for (Change change : plan.changes()) {
            for (Command c : change.commands()) {
                CommandResult r = run(adapter.id(), runner, c);
                ran.add(r);
                if (!r.ok()) {
                    throw new FirewallException(adapter.id() + ": " + change.description() + " failed: " + r.describe()
                            + (onFailure.isEmpty() ? "" : "; " + onFailure));
                }
            }
        }
        FirewallState after = adapter.state();
        List<Change> remaining = adapter.plan(after, plan.desired()).changes();
        return new ApplyResult(remaining.isEmpty(), ran, remaining, after);
    }

    /** Runs one command; a command that cannot run at all becomes a {@link FirewallException} naming the backend. */
    public static CommandResult run(String backend, CommandRunner runner, Command command) throws FirewallException {
        try {
            return runner.run(command);
        } catch (CommandException e) {
            throw new FirewallException(backend + ": " + e.getMessage(), e);
        }
    }
}
