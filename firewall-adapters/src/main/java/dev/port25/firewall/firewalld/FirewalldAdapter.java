package dev.port25.firewall.firewalld;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.exec.DaemonThreads;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.nftables.PublishedTable;
import dev.port25.firewall.spi.Applier;
import dev.port25.firewall.spi.ApplyResult;
import dev.port25.firewall.spi.Change;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Detection;
import dev.port25.firewall.spi.Detector;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.FirewallState;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Plan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * firewalld: rich rules marked by their priority (see {@link FirewalldRich}) in every zone that
 * applies, written to the runtime and the permanent configuration alike, never with
 * {@code --reload} (which would also flush other tools' iptables rules). An unblock on a
 * firewalld host only works through firewalld, so this adapter wins selection when firewalld runs.
 * Published ports (a DNAT to a container) pass firewalld's forward chain; they are closed in the
 * agent's own nftables table ({@link PublishedTable}).
 */
final class FirewalldAdapter implements FirewallAdapter {

    static final String ID = "firewalld";

    private final CommandRunner runner;
    private final Detector detector;

    FirewalldAdapter(CommandRunner runner) {
        this.runner = runner;
        this.detector = new Detector(ID, runner, "firewall-cmd", "firewalld");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Detection detect() {
        return detector.detect(() -> {
            // firewall-cmd asks the daemon even for --version (firewalld 1.3.3), so --state comes first.
            CommandResult state = runner.run("firewall-cmd", "--state");
            if (!state.ok() || !state.stdout().strip().equals("running")) {
                return new Detection(ID, true, false, Optional.empty(), "firewalld is not running (firewall-cmd --state: "
                        + (state.stdout() + state.stderr()).strip()
                        + "; it needs the system D-Bus, and root: CAP_NET_ADMIN)");
            }
            CommandResult version = runner.run("firewall-cmd", "--version");
            return new Detection(ID, true, true,
                    version.ok() ? Optional.of(version.stdout().strip()) : Optional.empty(), "firewalld is running");
        });
    }

    @Override
    public FirewalldState state() throws FirewallException {
        List<String> reader = FirewalldZones.readerArgv(System.getenv().getOrDefault("PATH", "")).orElseThrow(() ->
                new FirewallException("firewalld: no firewall-cmd script on PATH, whose interpreter has firewalld's "
                        + "client library (firewall.client) that reads the configuration"));
        var layers = CompletableFuture.supplyAsync(() -> PublishedTable.read(runner), READS);
        CommandResult r = Applier.run(ID, runner, Command.of(reader)
                .withStdin(FirewalldZones.SCRIPT.getBytes(StandardCharsets.UTF_8)));
        if (!r.ok()) {
            CommandResult state = Applier.run(ID, runner, Command.of("firewall-cmd", "--state"));
            if (!state.ok()) {
                throw new FirewallException("firewalld: not running (" + state.describe() + ")");
            }
            String last = r.stderr().lines().filter(l -> !l.isBlank()).reduce((x, y) -> y).orElse("").strip();
            throw new FirewallException("firewalld: reading its configuration through firewall.client ('"
                    + String.join(" ", reader) + "' with the script on stdin) exited " + r.exitCode() + ": " + last);
        }
        FirewalldZones.Config c = FirewalldZones.parse(r.stdout());
        PublishedTable.Read read = layers.join();
        return new FirewalldState(true, c.defaultZone(), c.runtime(), c.permanent(), c.direct(), c.directPermanent(),
                read.filter(), read.state());
    }

    /** The packet filter (and the nft ruleset with the agent's table) is read beside firewalld's configuration. */
    private static final Executor READS = DaemonThreads.named("firewalld-read");

    /** Our rules for the desired state, allows before the drop (by priority). */
    static List<FirewalldRich.Rule> rules(Desired desired) {
        List<FirewalldRich.Rule> rules = new ArrayList<>();
        for (Map.Entry<Integer, Inbound> e : desired.tcpInbound().entrySet()) {
            int port = e.getKey();
            if (e.getValue() instanceof Inbound.AllowFrom allow) {
                for (Cidr c : allow.networks()) {
                    rules.add(new FirewalldRich.Rule(FirewalldRich.ALLOW_PRIORITY, c.ipv6() ? "ipv6" : "ipv4",
                            Optional.of(c), port, "accept"));
                }
            }
            if (!(e.getValue() instanceof Inbound.Open)) {
                for (String family : List.of("ipv4", "ipv6")) {
                    rules.add(new FirewalldRich.Rule(FirewalldRich.DROP_PRIORITY, family, Optional.empty(), port, "drop"));
                }
            }
        }
        return rules;
    }

    @Override
    public Plan plan(FirewallState state, Desired desired) {
        FirewalldState current = (FirewalldState) state;
        List<FirewalldRich.Rule> want = rules(desired);
        List<Command> add = new ArrayList<>();
        List<Command> remove = new ArrayList<>();
        for (boolean permanent : new boolean[] {false, true}) {
            Map<String, FirewalldZones.Zone> zones = permanent ? current.permanent() : current.runtime();
            Set<String> names = new LinkedHashSet<>(zones.keySet());
            names.addAll(current.zonesInUse());
            for (String zone : names) {
                FirewalldZones.Zone z = zones.get(zone);
                List<FirewalldRich.Rule> zoneWant = current.zonesInUse().contains(zone) ? want : List.of();
                List<FirewalldRich.Rule> have = new ArrayList<>();
                List<String> drop = new ArrayList<>();
                for (String text : z == null ? List.<String>of() : z.richRules()) {
                    if (!FirewalldRich.owned(text)) {
                        continue;
                    }
                    Optional<FirewalldRich.Rule> rule = FirewalldRich.parse(text);
                    if (rule.isPresent() && zoneWant.contains(rule.get()) && !have.contains(rule.get())) {
                        have.add(rule.get());
                    } else {
                        drop.add(text);
                    }
                }
                List<String> missing = zoneWant.stream().filter(r -> !have.contains(r)).map(FirewalldRich.Rule::text).toList();
                // one firewall-cmd per zone and configuration: each call is a Python start and a D-Bus
                // round trip, and the runtime's first one is what closes the port
                if (!missing.isEmpty()) {
                    add.add(command(permanent, zone, "--add-rich-rule=", missing));
                }
                if (!drop.isEmpty()) {
                    remove.add(command(permanent, zone, "--remove-rich-rule=", drop));
                    if (permanent && have.isEmpty() && missing.isEmpty() && z.packagedCopy()) {
                        // the zone's file in /etc, without the agent's rules, is the packaged zone:
                        // firewalld wrote it on the agent's first permanent change, and the packaged
                        // zone is what applies again once it goes (firewalld keeps it as ZONE.xml.old)
                        remove.add(Command.of("firewall-cmd", "--permanent", "--load-zone-defaults=" + zone));
                    }
                }
            }
        }
        List<List<String>> direct = FirewalldDirect.rules(desired);
        for (boolean permanent : new boolean[] {false, true}) {
            List<List<String>> have = new ArrayList<>();
            for (List<String> r : permanent ? current.directPermanent() : current.directRuntime()) {
                if (!FirewalldDirect.owned(r)) {
                    continue;
                }
                if (direct.contains(r) && !have.contains(r)) {
                    have.add(r);
                } else {
                    remove.add(directCommand(permanent, "--remove-rule", r));
                }
            }
            for (List<String> r : direct) {
                if (!have.contains(r)) {
                    add.add(directCommand(permanent, "--add-rule", r));
                }
            }
        }
        List<Change> changes = new ArrayList<>();
        changes.addAll(PublishedTable.plan(current.published(), desired));
        if (!add.isEmpty()) {
            changes.add(new Change.Add("add the agent's rich rules and direct egress rules (runtime and permanent)", add));
        }
        if (!remove.isEmpty()) {
            changes.add(new Change.Remove("remove the agent's rich rules that are no longer wanted", remove));
        }
        return new Plan(ID, desired, changes);
    }

    private static Command directCommand(boolean permanent, String option, List<String> args) {
        List<String> argv = new ArrayList<>(List.of("firewall-cmd"));
        if (permanent) {
            argv.add("--permanent");
        }
        argv.add("--direct");
        argv.add(option);
        argv.addAll(args);
        return Command.of(argv);
    }

    private static Command command(boolean permanent, String zone, String option, List<String> rules) {
        List<String> argv = new ArrayList<>(List.of("firewall-cmd"));
        if (permanent) {
            argv.add("--permanent");
        }
        argv.add("--zone=" + zone);
        rules.forEach(r -> argv.add(option + r));
        return Command.of(argv);
    }

    @Override
    public ApplyResult apply(Plan plan) throws FirewallException {
        ApplyResult r = Applier.apply(this, runner, plan, "");
        List<String> unmet = PublishedTable.explain(r.unmet(), ((FirewalldState) r.after()).published());
        return new ApplyResult(r.converged(), r.ran(), r.remaining(), r.after(), unmet);
    }
}
