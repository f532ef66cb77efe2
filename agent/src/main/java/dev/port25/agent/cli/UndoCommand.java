package dev.port25.agent.cli;

import dev.port25.agent.enforce.Enforcer;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.FirewallSelector;
import dev.port25.firewall.spi.Plan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code port25-agent undo [--dry-run]}. */
@Command(name = "undo", mixinStandardHelpOptions = true,
        description = {"Remove every firewall rule the agent added, in the backend its enforcement journal names "
                + "(whatever the settings say now), verify by re-reading, and remove the journal.",
            "With --dry-run: the commands it would run, and nothing changed."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 done, nothing to undo, or (with --dry-run) planned; 3 failed (the journal is kept) or bad usage"})
final class UndoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @CommandLine.Mixin
    StateDirOption state = new StateDirOption();

    @Option(names = "--dry-run", description = "Print the plan and change nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws FirewallException {
        PrintWriter out = spec.commandLine().getOut();
        Enforcer enforcer = new Enforcer(new CommandRunner(), new FirewallSelector(), state.dir);
        try {
            if (dryRun) {
                Optional<Plan> plan = enforcer.proposeUndo();
                if (plan.isEmpty()) {
                    out.println("nothing to undo: no enforcement journal in " + state.dir);
                } else {
                    out.println("plan (dry run, nothing changed):");
                    PlanText.print(plan.get(), out);
                }
                out.flush();
                return ExitCodes.OK;
            }
            Enforcer.Outcome o = enforcer.undo();
            o.lines().forEach(out::println);
            out.flush();
            return ExitCodes.ofUndo(o);
        } catch (IOException e) {
            throw new CommandFailure("enforcement journal in " + state.dir + ": " + e.getMessage(), e);
        }
    }
}
