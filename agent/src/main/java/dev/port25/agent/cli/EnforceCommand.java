package dev.port25.agent.cli;

import dev.port25.agent.enforce.EnforcementPolicy;
import dev.port25.agent.enforce.Enforcer;
import dev.port25.agent.facts.RoleResolver;
import dev.port25.agent.settings.SettingsException;
import dev.port25.agent.settings.SettingsLoader;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.FirewallSelector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code port25-agent enforce [--dry-run]}: a thin shell over {@link Enforcer}. */
@Command(name = "enforce", mixinStandardHelpOptions = true,
        description = {
            "Converge the firewall to what this host's role needs: NONE blocks inbound SMTP on IPv4 and IPv6 (and "
                + "outbound when roles.none.blockEgress), RELAY allows inbound only from roles.relay.allowFrom, "
                + "MAIL_SERVER keeps it open (the agent's own rules removed). Through the backend the settings pin "
                + "or detection selects; then re-reads the firewall to verify.",
            "Only the agent's own rules on the SMTP ports (25, 465, 587) are ever added or removed; other rules are "
                + "left alone and reported when they still decide. A failed apply rolls the agent's rules back to "
                + "what they were, and says so. What was applied is kept in a journal, so 'undo' removes exactly it.",
            "With --dry-run: the backend and every command (argv and input) it would run, and nothing changed."},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 done (or, with --dry-run, planned), 1 done but other rules still decide differently (listed),",
            "  3 refused, failed (rolled back or not: see the output), bad settings or bad usage"})
final class EnforceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @CommandLine.Mixin
    SettingsOption settings = new SettingsOption();

    @CommandLine.Mixin
    StateDirOption state = new StateDirOption();

    @Option(names = "--dry-run", description = "Print the plan and change nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws SettingsException, FirewallException, EnforcementPolicy.Refused {
        SettingsLoader.Loaded loaded = settings.load();
        PrintWriter out = spec.commandLine().getOut();
        RoleResolver.Decision role = RoleResolver.resolve(loaded.settings(), RoleResolver.localHostname());
        Enforcer enforcer = new Enforcer(new CommandRunner(), new FirewallSelector(), state.dir);
        try {
            Enforcer.Proposal p = enforcer.propose(loaded.settings(), role);
            out.println("role " + role.role() + " (" + role.why() + ")");
            out.println("backend " + p.backend() + ": " + EnforcementPolicy.describe(p.desired()));
            if (p.cleanup().isPresent()) {
                out.println("first, the previous enforcement's rules in " + p.cleanup().get().backend() + ":");
                PlanText.print(p.cleanup().get(), out);
            }
            out.println(dryRun ? "plan (dry run, nothing changed):" : "plan:");
            PlanText.print(p.plan(), out);
            if (dryRun) {
                out.flush();
                return ExitCodes.OK;
            }
            Enforcer.Outcome o = enforcer.enforce(p);
            o.lines().forEach(out::println);
            o.unmet().forEach(u -> out.println("still decided by other rules: " + u));
            out.flush();
            return ExitCodes.ofEnforcement(o);
        } catch (IOException e) {
            throw new CommandFailure("enforcement journal in " + state.dir + ": " + e.getMessage(), e);
        }
    }
}
