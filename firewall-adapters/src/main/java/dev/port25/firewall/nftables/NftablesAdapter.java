package dev.port25.firewall.nftables;

import dev.port25.firewall.eval.NftJson;
import dev.port25.firewall.eval.NftRuleset;
import dev.port25.firewall.eval.PacketFilterReader;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.Applier;
import dev.port25.firewall.spi.ApplyResult;
import dev.port25.firewall.spi.Change;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Detection;
import dev.port25.firewall.spi.Detector;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.FirewallState;
import dev.port25.firewall.spi.Plan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** nftables: the agent's own {@code table inet port25_agent}, replaced atomically with {@code nft -f -}. */
final class NftablesAdapter implements FirewallAdapter {

    static final String ID = "nftables";
    private static final Pattern VERSION = Pattern.compile("nftables v(\\S+)");

    private final CommandRunner runner;
    private final Detector detector;

    NftablesAdapter(CommandRunner runner) {
        this.runner = runner;
        this.detector = new Detector(ID, runner, "nft", "nftables");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Detection detect() {
        return detector.detect(List.of("nft", "--version"), VERSION, m -> {
            Optional<String> v = Optional.of(m.group(1));
            try {
                CommandResult tables = runner.run("nft", "list", "tables");
                if (!tables.ok()) {
                    return new Detection(ID, true, false, v, "nft cannot read the ruleset: " + tables.describe()
                            + " (needs CAP_NET_ADMIN and nf_tables in the kernel)");
                }
                int n = tables.stdoutLines().size();
                return new Detection(ID, true, true, v, n + " nftables table" + (n == 1 ? "" : "s") + " loaded");
            } catch (CommandException e) {
                return new Detection(ID, true, false, v, e.getMessage());
            }
        });
    }

    @Override
    public NftablesState state() throws FirewallException {
        CommandResult r = Applier.run(ID, runner, Command.of("nft", "-j", "list", "ruleset"));
        if (!r.ok()) {
            throw new FirewallException("nftables: " + r.describe() + "; run as root (CAP_NET_ADMIN) to read the ruleset");
        }
        NftRuleset ruleset;
        try {
            ruleset = NftJson.parse(r.stdout());
        } catch (IllegalArgumentException e) {
            throw new FirewallException("nftables: cannot parse 'nft -j list ruleset': " + e.getMessage(), e);
        }
        return new NftablesState(ruleset, new PacketFilterReader(runner).read(ruleset));
    }

    @Override
    public Plan plan(FirewallState state, Desired desired) {
        return new Plan(ID, desired, changes((NftablesState) state, NftablesScript.render(desired)));
    }

    /** The changes that make the agent's table {@code rendered}: one atomic load, or its deletion when empty. */
    static List<Change> changes(NftablesState current, NftablesScript.Rendered rendered) {
        List<Change> changes = new ArrayList<>();
        if (rendered.empty()) {
            if (current.ownTableExists()) {
                changes.add(new Change.Remove("delete the agent's table " + NftablesScript.FAMILY + " "
                        + NftablesScript.TABLE, List.of(Command.of("nft", "delete", "table",
                        NftablesScript.FAMILY, NftablesScript.TABLE))));
            }
        } else if (!rendered.expectedLines().equals(current.ownedRules())) {
            Command load = Command.of("nft", "-f", "-").withStdin(rendered.script().getBytes(StandardCharsets.UTF_8));
            String what = "table " + NftablesScript.FAMILY + " " + NftablesScript.TABLE;
            changes.add(current.ownTableExists()
                    ? new Change.Replace("replace the agent's " + what + " atomically", List.of(load))
                    : new Change.Add("create the agent's " + what, List.of(load)));
        }
        return changes;
    }

    @Override
    public ApplyResult apply(Plan plan) throws FirewallException {
        return Applier.apply(this, runner, plan, "nft -f applies a script whole or not at all, so the table is as it was");
    }
}
