package dev.port25.firewall.eval;

import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.IpFamily;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads every layer of the packet filter, read-only: {@code iptables-nft-save} and
 * {@code ip6tables-nft-save}, {@code nft -j list ruleset} (the native tables; those iptables-nft
 * manages are taken from its save output), {@code iptables-legacy-save} and
 * {@code ip6tables-legacy-save}; the non-loopback interfaces ({@code ip -o link show}) and the
 * routes to DNAT targets ({@code ip -o route get}). A layer whose tool is missing is simply absent
 * when its kernel module is not loaded (then it cannot hold rules); otherwise it is listed as
 * unread, and verdicts that depend on it say UNKNOWN.
 */
public final class PacketFilterReader {

    private final CommandRunner runner;
    private final Path sysModule;

    public PacketFilterReader(CommandRunner runner) {
        this(runner, Path.of("/sys/module"));
    }

    PacketFilterReader(CommandRunner runner, Path sysModule) {
        this.runner = runner;
        this.sysModule = sysModule;
    }

    /** Reads all layers. Never throws: what cannot be read is in {@link PacketFilter#unread()}. */
    public PacketFilter read() {
        return take(Optional.empty(), Optional.empty()).filter();
    }

    /**
     * Reads all layers, taking the nft ruleset the caller has just read and parsed (the nftables
     * adapter), instead of running nft and parsing its output again.
     */
    public PacketFilter read(NftRuleset nftRuleset) {
        return take(Optional.empty(), Optional.of(nftRuleset)).filter();
    }

    /** The raw outputs of every read, keyed by file name ({@link #FILES}), and what could not be read. */
    record Snapshot(Map<String, String> outputs, List<String> unread) {
        Snapshot {
            outputs = Map.copyOf(outputs);
            unread = List.copyOf(unread);
        }
    }

    /** Output file names, in reading order; route lookups are {@code route-ADDRESS.txt}. */
    static final List<String> FILES = List.of("iptables-nft-save.txt", "ip6tables-nft-save.txt", "nft-ruleset.json",
            "iptables-legacy-save.txt", "ip6tables-legacy-save.txt", "ip-link.txt");

    Snapshot snapshot(Optional<String> nftJson) {
        return take(nftJson, Optional.empty()).snapshot();
    }

    /** One read: the raw outputs, and the packet filter built from them (each output parsed once). */
    private record Taken(Snapshot snapshot, PacketFilter filter) {
    }

    private Taken take(Optional<String> nftJson, Optional<NftRuleset> parsed) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> unread = new ArrayList<>();
        for (IpFamily f : IpFamily.values()) {
            String tool = (f == IpFamily.IPV6 ? "ip6tables" : "iptables") + "-nft-save";
            dump(tool, "nf_tables", unread).ifPresent(text -> out.put(tool + ".txt", text));
        }
        (nftJson.isPresent() || parsed.isPresent() ? nftJson : nft(unread))
                .ifPresent(j -> out.put("nft-ruleset.json", j));
        for (IpFamily f : IpFamily.values()) {
            String tool = (f == IpFamily.IPV6 ? "ip6tables" : "iptables") + "-legacy-save";
            if (LegacyTables.names(runner, f).map(Set::isEmpty).orElse(false)) {
                out.put(tool + ".txt", ""); // no legacy table: what the tool would print, without its start
            } else {
                dump(tool, f == IpFamily.IPV6 ? "ip6_tables" : "ip_tables", unread).ifPresent(t -> out.put(tool + ".txt", t));
            }
        }
        ip("-o", "link", "show").ifPresent(t -> out.put("ip-link.txt", t));
        PacketFilter layers = layers(new Snapshot(out, unread), parsed);
        for (InetAddress target : layers.dnatTargets()) {
            ip("-o", "route", "get", target.getHostAddress())
                    .ifPresent(t -> out.put("route-" + target.getHostAddress() + ".txt", t));
        }
        Snapshot s = new Snapshot(out, unread);
        return new Taken(s, routed(layers, s));
    }

    /** The packet filter from raw outputs. Pure. */
    static PacketFilter build(Snapshot s) {
        return routed(layers(s, Optional.empty()), s);
    }

    /**
     * The layers from raw outputs, without the routes to DNAT targets, the nft ruleset taken from
     * {@code parsed} when the caller has it. Pure.
     */
    private static PacketFilter layers(Snapshot s, Optional<NftRuleset> parsed) {
        List<Table> tables = new ArrayList<>();
        List<String> unread = new ArrayList<>(s.unread());
        Set<String> managed = new HashSet<>();
        List<Table> iptablesNft = new ArrayList<>();
        for (IpFamily f : IpFamily.values()) {
            String text = s.outputs().get((f == IpFamily.IPV6 ? "ip6tables" : "iptables") + "-nft-save.txt");
            if (text != null) {
                XtablesSave save = XtablesSave.parse(text.lines().toList());
                iptablesNft.addAll(XtablesRules.tables("iptables-nft", f, save));
                for (XtablesSave.Table t : save.tables()) {
                    managed.add((f == IpFamily.IPV6 ? "ip6 " : "ip ") + t.name());
                }
            }
        }
        String json = s.outputs().get("nft-ruleset.json");
        Optional<NftRuleset> ruleset = parsed;
        try {
            if (ruleset.isEmpty() && json != null) {
                ruleset = Optional.of(NftJson.parse(json));
            }
            if (ruleset.isPresent()) {
                tables.addAll(NftRules.tables(ruleset.get(), managed));
            }
        } catch (IllegalArgumentException e) {
            unread.add("nftables: " + e.getMessage());
        }
        // iptables-nft's tables are nf_tables tables too: their handles tell their age
        for (Table t : iptablesNft) {
            String[] w = t.where().split(" "); // "iptables-nft ipv4 filter"
            String family = w[1].equals("ipv6") ? "ip6" : "ip";
            Optional<NftRuleset.Table> nf = ruleset.flatMap(r -> r.table(family, w[2]));
            tables.add(nf.isEmpty() ? t : t.inNfTables(nf.get().handle(), ruleset.get().objects(family, w[2])));
        }
        for (IpFamily f : IpFamily.values()) {
            String text = s.outputs().get((f == IpFamily.IPV6 ? "ip6tables" : "iptables") + "-legacy-save.txt");
            if (text != null) {
                tables.addAll(XtablesRules.tables("iptables-legacy", f, XtablesSave.parse(text.lines().toList())));
            }
        }
        return new PacketFilter(tables, unread, Map.of(),
                parseLinks(s.outputs().getOrDefault("ip-link.txt", "").lines().toList()));
    }

    /** {@code filter} with the routes to its DNAT targets that {@code s} holds. Pure. */
    private static PacketFilter routed(PacketFilter filter, Snapshot s) {
        Map<InetAddress, Route> routes = new LinkedHashMap<>();
        for (InetAddress target : filter.dnatTargets()) {
            String r = s.outputs().get("route-" + target.getHostAddress() + ".txt");
            if (r != null) {
                parseRoute(r).ifPresent(route -> routes.put(target, route));
            }
        }
        return routes.isEmpty() ? filter : filter.withRoutes(routes);
    }

    /** The interface the route to {@code address} leaves by (where its packets arrive from), if any. */
    public Optional<String> routeDevice(InetAddress address) {
        return ip("-o", "route", "get", address.getHostAddress()).flatMap(PacketFilterReader::parseRoute)
                .flatMap(Route::device);
    }

    private Optional<String> dump(String tool, String module, List<String> unread) {
        try {
            CommandResult r = runner.run(tool);
            if (r.ok()) {
                return Optional.of(r.stdout());
            }
            unread.add(tool + ": " + r.describe());
        } catch (CommandException.NotFound e) {
            if (Files.exists(sysModule.resolve(module))) {
                unread.add(tool + " is not installed but the " + module + " kernel module is loaded: its rules "
                        + "cannot be read");
            }
        } catch (CommandException e) {
            unread.add(tool + ": " + e.getMessage());
        }
        return Optional.empty();
    }

    private Optional<String> nft(List<String> unread) {
        try {
            CommandResult r = runner.run("nft", "-j", "list", "ruleset");
            if (r.ok()) {
                return Optional.of(r.stdout());
            }
            unread.add("nft -j list ruleset: " + r.describe());
        } catch (CommandException.NotFound e) {
            if (Files.exists(sysModule.resolve("nf_tables"))) {
                unread.add("nft is not installed but the nf_tables kernel module is loaded: native nftables tables "
                        + "cannot be read (install the nftables package)");
            }
        } catch (CommandException e) {
            unread.add("nft: " + e.getMessage());
        }
        return Optional.empty();
    }

    private Optional<String> ip(String... args) {
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        try {
            CommandResult r = runner.run(argv.toArray(String[]::new));
            return r.ok() ? Optional.of(r.stdout()) : Optional.empty();
        } catch (CommandException e) {
            return Optional.empty();
        }
    }

    /** "2: veth0@if3: &lt;BROADCAST..." lines to names; lo and bridge ports left out. */
    static List<String> parseLinks(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            String[] f = l.split(": ", 3);
            if (f.length < 2) {
                continue;
            }
            String name = f[1].contains("@") ? f[1].substring(0, f[1].indexOf('@')) : f[1];
            // a bridge port: packets for this host arrive on the bridge, not on the port
            if (!name.equals("lo") && !l.contains(" master ")) {
                out.add(name);
            }
        }
        return out;
    }

    /** "local 198.18.25.1 dev lo table local src ..." or "172.17.0.2 dev docker0 src ...". */
    static Optional<Route> parseRoute(String line) {
        String[] w = line.strip().split("\\s+");
        if (w.length == 0 || w[0].isEmpty()) {
            return Optional.empty();
        }
        Optional<String> dev = Optional.empty();
        for (int i = 0; i + 1 < w.length; i++) {
            if (w[i].equals("dev")) {
                dev = Optional.of(w[i + 1]);
            }
        }
        boolean local = w[0].equals("local");
        return Optional.of(new Route(local, local ? Optional.empty() : dev));
    }
}
