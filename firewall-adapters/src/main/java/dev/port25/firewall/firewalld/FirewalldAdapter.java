package dev.port25.firewall.firewalld;

import dev.port25.firewall.eval.PacketFilterReader;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.Applier;
import dev.port25.firewall.spi.ApplyResult;
import dev.port25.firewall.spi.Change;
import dev.port25.firewall.spi.Cidr;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Detection;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.spi.FirewallState;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * firewalld: rich rules marked by their priority (see {@link FirewalldRich}) in every zone that
 * applies, written to the runtime and the permanent configuration alike, never with
 * {@code --reload} (which would also flush other tools' iptables rules). An unblock on a
 * firewalld host only works through firewalld, so this adapter wins selection when firewalld runs.
 */
final class FirewalldAdapter implements FirewallAdapter {

    static final String ID = "firewalld";

    private final CommandRunner runner;

    FirewalldAdapter(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Detection detect() {
        try {
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
        } catch (CommandException.NotFound e) {
            return Detection.notInstalled(ID, "firewall-cmd", "firewalld");
        } catch (CommandException e) {
            return Detection.unusable(ID, e);
        }
    }

    @Override
    public FirewalldState state() throws FirewallException {
        CommandResult state = Applier.run(ID, runner, Command.of("firewall-cmd", "--state"));
        if (!state.ok()) {
            throw new FirewallException("firewalld: not running (" + state.describe() + ")");
        }
        // each firewall-cmd is a Python start and a D-Bus round trip (~0.3 s): the reads run at once
        var zone = read(Command.of("firewall-cmd", "--get-default-zone"));
        var runtime = read(Command.of("firewall-cmd", "--list-all-zones"));
        var permanent = read(Command.of("firewall-cmd", "--permanent", "--list-all-zones"));
        var direct = read(Command.of("firewall-cmd", "--direct", "--get-all-rules"));
        var permanentDirect = read(Command.of("firewall-cmd", "--permanent", "--direct", "--get-all-rules"));
        var filter = java.util.concurrent.CompletableFuture.supplyAsync(() -> new PacketFilterReader(runner).read(),
                FirewalldAdapter::daemonThread);
        return new FirewalldState(true, join(zone).strip(), FirewalldZones.parse(join(runtime)),
                FirewalldZones.parse(join(permanent)), direct(join(direct)), direct(join(permanentDirect)),
                filter.join());
    }

    private java.util.concurrent.CompletableFuture<Object> read(Command c) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return ok(c);
            } catch (FirewallException e) {
                return e;
            }
        }, FirewalldAdapter::daemonThread);
    }

    private static String join(java.util.concurrent.CompletableFuture<Object> f) throws FirewallException {
        Object o = f.join();
        if (o instanceof FirewallException e) {
            throw e;
        }
        return (String) o;
    }

    private static void daemonThread(Runnable task) {
        Thread t = new Thread(task, "firewalld-read");
        t.setDaemon(true);
        t.start();
    }

    private static List<List<String>> direct(String text) {
        return text.lines().filter(l -> !l.isBlank()).map(FirewalldDirect::parse).toList();
    }

    private String ok(Command c) throws FirewallException {
        CommandResult r = Applier.run(ID, runner, c);
        if (!r.ok()) {
            throw new FirewallException("firewalld: " + r.describe());
        }
        return r.stdout();
    }

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
                for (String text : z == null ? List.<String>of() : z.richRules()) {
                    if (!FirewalldRich.owned(text)) {
                        continue;
                    }
                    Optional<FirewalldRich.Rule> rule = FirewalldRich.parse(text);
                    if (rule.isPresent() && zoneWant.contains(rule.get()) && !have.contains(rule.get())) {
                        have.add(rule.get());
                    } else {
                        remove.add(command(permanent, zone, "--remove-rich-rule=", text));
                    }
                }
                for (FirewalldRich.Rule r : zoneWant) {
                    if (!have.contains(r)) {
                        add.add(command(permanent, zone, "--add-rich-rule=", r.text()));
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

    private static Command command(boolean permanent, String zone, String option, String rule) {
        List<String> argv = new ArrayList<>(List.of("firewall-cmd"));
        if (permanent) {
            argv.add("--permanent");
        }
        argv.add("--zone=" + zone);
        argv.add(option + rule);
        return Command.of(argv);
    }

    @Override
    public ApplyResult apply(Plan plan) throws FirewallException {
        return Applier.apply(this, runner, plan, "");
    }
}
