package dev.port25.agent.inventory.linux;

import dev.port25.agent.inventory.NamespaceInventory;
import dev.port25.agent.inventory.NetNamespace;
import dev.port25.agent.inventory.Protocol;
import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Prerequisites;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Benchmark harness, not a test: the cost of listing port-25 listeners in every network namespace
 * of the host with 1, 50 and 500 namespaces made by the benchmark ({@code ip netns}), each with a
 * TCP listener on 0.0.0.0:25 and two decoys (TCP 2525, UDP 127.0.0.1:2500), all held by one
 * process. Measured in one JVM in the root namespace, which it only reads: the agent's way (the
 * namespace scan, then a netlink dump from a thread that entered each, owners from one /proc read)
 * against {@code nsenter --net=/run/netns/NS ss -H -tulnp 'sport = :25'} run once per namespace,
 * which is how one would do it by hand. Prints a Markdown table of medians and ratios. Run by
 * {@code bench/run} as root; arguments: optional namespace counts.
 */
public final class NamespaceInventoryBenchmark {

    private static final SortedSet<Integer> PORT_25 = new TreeSet<>(Set.of(25));
    private static final CommandRunner RUNNER = new CommandRunner();
    private static final Medians MEDIANS = new Medians(Duration.ofSeconds(3), 5, 200);

    private NamespaceInventoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Prerequisites.require("ip", "ss", "nsenter", "/usr/bin/python3");
        int[] counts = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 50, 500};
        Path farm = Files.createTempFile("netns_farm", ".py");
        try {
            Files.copy(NamespaceInventoryBenchmark.class.getResourceAsStream("/netns/netns_farm.py"), farm,
                    StandardCopyOption.REPLACE_EXISTING);
            System.out.println("| namespaces made | namespaces listed | scan (ms) | scan + sockets, no owners (ms) "
                    + "| scan + sockets + owners: the inventory of status (ms) | nsenter + ss -tulnp per namespace (ms) "
                    + "| ss / agent | per namespace, agent (ms) |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int n : counts) {
                System.out.println(row(n, farm));
            }
        } finally {
            Files.deleteIfExists(farm);
        }
        System.out.println();
        System.out.println("medians; " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ", " + Runtime.getRuntime().availableProcessors() + " cores, Linux "
                + Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
    }

    private static String row(int n, Path farm) throws Exception {
        String tag = "p25-nsb-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff)) + "-";
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(tag + i);
        }
        batch(names, "netns add ");
        BackgroundProcess holder = null;
        try {
            List<String> argv = new ArrayList<>(List.of("/usr/bin/python3", farm.toString()));
            argv.addAll(names);
            holder = RUNNER.spawn(Command.of(argv));
            BackgroundProcess h = holder;
            String ready = h.readLine(Duration.ofSeconds(120)).orElseThrow(() -> new IllegalStateException(
                    "the socket holder did not start: " + h + "\n" + h.stderrIfEnded()));
            if (!ready.startsWith("READY")) {
                throw new IllegalStateException(ready);
            }
            long holderPid = holder.pid();
            Set<String> mine = new TreeSet<>();
            names.forEach(x -> mine.add("netns/" + x));
            int[] listed = new int[1];
            Callable<Integer> scan = () -> {
                List<NetNamespace> all = new NetNamespaceScan().scan().namespaces();
                listed[0] = all.size();
                return (int) all.stream().filter(ns -> mine.contains(ns.name())).count();
            };
            Callable<Integer> sockets = () -> count(false, mine, holderPid);
            Callable<Integer> owners = () -> count(true, mine, holderPid);
            Callable<Integer> ss = () -> {
                int found = 0;
                for (String name : names) {
                    CommandResult r = RUNNER.run("nsenter", "--net=/run/netns/" + name, "--", "ss", "-H", "-tulnp",
                            "sport = :25");
                    if (!r.ok() || !r.stdout().contains("pid=" + holderPid)) {
                        throw new IllegalStateException(r.describe() + ": " + r.stdout());
                    }
                    found += r.stdoutLines().size();
                }
                return found;
            };
            double tScan = MEDIANS.of("scan", scan, n);
            double tSockets = MEDIANS.of("sockets", sockets, n);
            double tOwners = MEDIANS.of("owners", owners, n);
            double tSs = MEDIANS.of("ss", ss, n);
            return String.format(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.1f | %.1f | %.1fx | %.3f |", n, listed[0],
                    tScan, tSockets, tOwners, tSs, tSs / tOwners, tOwners / n);
        } finally {
            if (holder != null) {
                holder.stop();
            }
            batch(names, "netns del ");
        }
    }

    /** The agent's listing of every namespace; the TCP listeners on 25 found in the benchmark's, each checked. */
    private static int count(boolean withOwners, Set<String> mine, long holderPid) throws Exception {
        List<NetNamespace> all = new NetNamespaceScan().scan().namespaces();
        int found = 0;
        for (NamespaceInventory ni : new LinuxSocketInventory().list(all, PORT_25, withOwners)) {
            if (!mine.contains(ni.namespace().name())) {
                continue;
            }
            var inv = ni.inventory().orElseThrow(() -> new IllegalStateException(ni.error().orElseThrow()));
            for (var l : inv.listeners()) {
                if (l.protocol() == Protocol.TCP) {
                    if (withOwners && l.owners().stream().noneMatch(o -> o.pid() == holderPid)) {
                        throw new IllegalStateException("owner not found: " + l);
                    }
                    found++;
                }
            }
        }
        return found;
    }

    private static void batch(List<String> names, String verb) throws Exception {
        StringBuilder in = new StringBuilder();
        names.forEach(x -> in.append(verb).append(x).append('\n'));
        CommandResult r = RUNNER.run(Command.of("ip", "-force", "-batch", "-")
                .withStdin(in.toString().getBytes(StandardCharsets.UTF_8)).withTimeout(Duration.ofMinutes(5)));
        if (!r.ok()) {
            throw new IllegalStateException(r.describe());
        }
    }
}
