package dev.port25.firewall.spi;

import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.eval.HostFilter;
import dev.port25.firewall.eval.PacketFilter;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpFamily;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        return new ApplyResult(remaining.isEmpty(), ran, remaining, after, unmet(plan.desired(), after.packetFilter()));
    }

    /**
     * Where what every layer of {@code filter} does to new inbound connections differs from
     * {@code desired}: one line per port and family, with the rules that decide. Empty when every
     * managed port meets its desired state on both families.
     */
    public static List<String> unmet(Desired desired, HostFilter filter) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Integer, Inbound> e : desired.tcpInbound().entrySet()) {
            for (IpFamily f : IpFamily.values()) {
                List<Cidr> want = List.of();
                Exposure.Level level;
                if (e.getValue() instanceof Inbound.Open) {
                    level = Exposure.Level.OPEN;
                } else if (e.getValue() instanceof Inbound.AllowFrom a) {
                    want = Exposure.cover(a.networks().stream().filter(c -> c.ipv6() == (f == IpFamily.IPV6)).toList());
                    level = want.isEmpty() ? Exposure.Level.CLOSED : Exposure.Level.RESTRICTED;
                } else {
                    level = Exposure.Level.CLOSED;
                }
                compare(out, f.label() + " tcp port " + e.getKey(), level, want, filter.exposure(f, e.getKey()));
            }
            // connections to another port of this host that a DNAT sends on to this port elsewhere
            // (a container published with -p 2525:25) must meet the same
            for (PacketFilter.Published p : filter.publishedTo(e.getKey())) {
                if (p.hostPort() == e.getKey() || e.getValue() instanceof Inbound.Open) {
                    continue; // the host's own port is judged above; OPEN leaves others' DNATs as they are
                }
                IpFamily f = p.target().family();
                List<Cidr> want = e.getValue() instanceof Inbound.AllowFrom a
                        ? Exposure.cover(a.networks().stream().filter(c -> c.ipv6() == (f == IpFamily.IPV6)).toList())
                        : List.of();
                compare(out, f.label() + " tcp port " + p.hostPort() + " published to " + p.target(),
                        want.isEmpty() ? Exposure.Level.CLOSED : Exposure.Level.RESTRICTED, want, p.exposure());
            }
        }
        for (Map.Entry<Integer, Outbound> e : desired.tcpOutbound().entrySet()) {
            for (IpFamily f : IpFamily.values()) {
                Exposure x = filter.egress(f, e.getKey());
                String what = f.label() + " egress to tcp port " + e.getKey();
                if (e.getValue() instanceof Outbound.BlockedExcept b) {
                    List<Cidr> want = Exposure.cover(b.relays().stream().filter(c -> c.ipv6() == (f == IpFamily.IPV6))
                            .toList());
                    compare(out, what, want.isEmpty() ? Exposure.Level.CLOSED : Exposure.Level.RESTRICTED, want, x);
                } else if (x.level() == Exposure.Level.CLOSED || x.level() == Exposure.Level.UNKNOWN) {
                    // OPEN egress is "not restricted by the agent": other tools' limits on some
                    // destinations (firewalld rejects 6to4 and IPv4-compatible space) are theirs
                    compare(out, what, Exposure.Level.OPEN, List.of(), x);
                }
            }
        }
        return out;
    }

    private static void compare(List<String> out, String what, Exposure.Level level, List<Cidr> want, Exposure x) {
        if (x.level() == level && x.allowedFrom().equals(want)) {
            return;
        }
        List<Cidr> got = x.allowedFrom();
        StringBuilder line = new StringBuilder(what + ": wanted " + level + (want.isEmpty() ? "" : " " + want)
                + ", all layers give " + x.level() + (got.isEmpty() ? "" : " " + got.subList(0, Math.min(8, got.size()))
                + (got.size() > 8 ? " and " + (got.size() - 8) + " more" : "")));
        x.decidedBy().forEach(r -> line.append("; decided by ").append(r));
        x.notes().stream().limit(3).forEach(n -> line.append("; ").append(n));
        out.add(line.toString());
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
