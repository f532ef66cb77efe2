package dev.port25.agent.inventory.linux;

import dev.port25.agent.inventory.Family;
import dev.port25.agent.inventory.Protocol;
import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Prerequisites;
import oshi.SystemInfo;
import oshi.software.os.InternetProtocolStats;
import oshi.software.os.InternetProtocolStats.IPConnection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * Benchmark harness, not a test: the cost of listing port-25 listeners with about 0, 1.8k, 38k
 * and 190k TCP sockets in a namespace, for the netlink inventory (sockets only, and with owners
 * from /proc), OSHI {@code getConnections()}, and {@code ss -H -tln 'sport = :25'} as a process,
 * all measured in one JVM in the same run. Prints a Markdown table of medians and ratios.
 *
 * <p>Each scale gets its own namespace, with sockets spread over processes of at most 18,000 fds
 * each, in two mixes: "established" (200 listeners per process, the rest both ends of
 * established loopback connections, as on a busy server) and "listeners" (one third listening
 * sockets, the worst case for a LISTEN dump, which walks every listening socket in the kernel).
 * Run by {@code bench/run} as root; arguments: optional socket counts.
 */
public final class InventoryBenchmark {

    private static final SortedSet<Integer> PORT_25 = new TreeSet<>(Set.of(25));
    private static final Medians MEDIANS = new Medians(Duration.ofSeconds(1), 3, 300);
    private static final int CHUNK = 18_000;

    private InventoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("measure")) {
            measure();
            return;
        }
        Prerequisites.require("ip", "ss", "/usr/bin/python3");
        int[] scales = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray()
                : new int[] {0, 1_800, 38_000, 190_000};
        Path farm = Files.createTempFile("socket_farm", ".py");
        Path listeners = Files.createTempFile("listeners", ".py");
        try {
            Files.copy(InventoryBenchmark.class.getResourceAsStream("/netns/socket_farm.py"), farm,
                    StandardCopyOption.REPLACE_EXISTING);
            Files.copy(InventoryBenchmark.class.getResourceAsStream("/netns/listeners.py"), listeners,
                    StandardCopyOption.REPLACE_EXISTING);
            System.out.println("| mix | TCP sockets in namespace | netlink, sockets only (ms) | netlink + owners from /proc (ms) "
                    + "| OSHI getConnections (ms) | ss -H -tln 'sport = :25' process (ms) | ss -H -tlnp 'sport = :25' process (ms) | ss / netlink | OSHI / netlink | ss -p / netlink + owners |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (boolean listenerHeavy : new boolean[] {false, true}) {
                for (int scale : scales) {
                    System.out.println(row(scale, listenerHeavy, farm, listeners));
                }
            }
        } finally {
            Files.deleteIfExists(farm);
            Files.deleteIfExists(listeners);
        }
        System.out.println();
        System.out.println("medians; " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ", " + Runtime.getRuntime().availableProcessors() + " cores, Linux "
                + Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
    }

    private static String row(int scale, boolean listenerHeavy, Path farm, Path listeners) throws Exception {
        try (Netns ns = Netns.create("bench")) {
            ns.ok("sysctl", "-q", "-w", "net.core.somaxconn=4096");
            ns.spawn(ns.inside(List.of("/usr/bin/python3", listeners.toString(),
                    "{\"sockets\":[{\"proto\":\"tcp\",\"family\":4,\"addr\":\"0.0.0.0\",\"port\":25}]}")))
                    .readLine(Duration.ofSeconds(10)).orElseThrow();
            List<BackgroundProcess> farms = new ArrayList<>();
            for (int left = scale, k = 0; left > 0; left -= CHUNK, k++) {
                int n = Math.min(CHUNK, left);
                int connections = listenerHeavy ? n / 3 : Math.max(0, (n - 200) / 2);
                int listening = n - 2 * connections;
                ns.ok("ip", "addr", "add", "127.1." + k + ".1/32", "dev", "lo");
                farms.add(ns.spawn(ns.inside(List.of("/usr/bin/python3", farm.toString(), String.format(Locale.ROOT,
                        "{\"addr\":\"127.1.%d.1\",\"listeners\":%d,\"connections\":%d}", k, listening, connections)))));
            }
            for (BackgroundProcess f : farms) {
                String ready = f.readLine(Duration.ofSeconds(120))
                        .orElseThrow(() -> new IllegalStateException("socket farm did not start: " + f));
                if (!ready.startsWith("READY")) {
                    throw new IllegalStateException(ready);
                }
            }
            List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path")));
            if (Runtime.version().feature() >= 22) {
                argv.add(1, "--enable-native-access=ALL-UNNAMED");
            }
            argv.addAll(List.of(InventoryBenchmark.class.getName(), "measure"));
            CommandResult r = new CommandRunner().run(Command.of(ns.inside(argv)).withTimeout(Duration.ofMinutes(5)));
            if (!r.ok()) {
                throw new IllegalStateException(r.describe() + "\n" + r.stderr());
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : r.stdoutLines()) {
                String[] kv = line.split("=", 2);
                m.put(kv[0], kv[1]);
            }
            double nl = Double.parseDouble(m.get("netlink"));
            double oshi = Double.parseDouble(m.get("oshi"));
            double ss = Double.parseDouble(m.get("ss"));
            double owners = Double.parseDouble(m.get("owners"));
            double ssp = Double.parseDouble(m.get("ssp"));
            return String.format(Locale.ROOT, "| %s | %,d | %.3f | %.2f | %.1f | %.1f | %.1f | %.0fx | %.0fx | %.2fx |",
                    listenerHeavy ? "listeners" : "established", Long.parseLong(m.get("sockets")), nl, owners, oshi, ss, ssp,
                    ss / nl, oshi / nl, ssp / owners);
        }
    }

    /** Inside the namespace: time each method, check they agree, print key=value lines. */
    private static void measure() throws Exception {
        CommandRunner runner = new CommandRunner();
        InternetProtocolStats oshi = new SystemInfo().getOperatingSystem().getInternetProtocolStats();
        Callable<Integer> netlink = () -> {
            int found = 0;
            try (NetlinkSockDiag nl = NetlinkSockDiag.open()) {
                for (Family f : Family.values()) {
                    found += nl.dump(f, Protocol.TCP, SockDiag.TCP_LISTEN, PORT_25).size();
                    nl.dump(f, Protocol.UDP, SockDiag.TCP_CLOSE, PORT_25);
                }
            }
            return found;
        };
        Callable<Integer> owners = () -> (int) new LinuxSocketInventory().list(PORT_25).listeners().stream()
                .filter(l -> l.protocol() == Protocol.TCP).count();
        Callable<Integer> oshiList = () -> {
            int found = 0;
            for (IPConnection c : oshi.getConnections()) {
                if (c.getLocalPort() == 25 && c.getType().startsWith("tcp")
                        && c.getState() == InternetProtocolStats.TcpState.LISTEN) {
                    found++;
                }
            }
            return found;
        };
        Callable<Integer> ss = () -> {
            CommandResult r = runner.run("ss", "-H", "-tln", "sport = :25");
            if (!r.ok()) {
                throw new IllegalStateException(r.describe());
            }
            return r.stdoutLines().size();
        };
        Callable<Integer> ssp = () -> {
            CommandResult r = runner.run("ss", "-H", "-tlnp", "sport = :25");
            if (!r.ok() || !r.stdout().contains("pid=")) {
                throw new IllegalStateException(r.describe() + ": " + r.stdout());
            }
            return r.stdoutLines().size();
        };
        long sockets = Files.readAllLines(Path.of("/proc/net/tcp")).size() - 1
                + Files.readAllLines(Path.of("/proc/net/tcp6")).size() - 1;
        System.out.println("sockets=" + sockets);
        Map<String, Callable<Integer>> methods = new LinkedHashMap<>();
        methods.put("netlink", netlink);
        methods.put("owners", owners);
        methods.put("oshi", oshiList);
        methods.put("ss", ss);
        methods.put("ssp", ssp);
        for (Map.Entry<String, Callable<Integer>> e : methods.entrySet()) {
            System.out.println(e.getKey() + "=" + MEDIANS.of(e.getKey(), e.getValue(), 1));
        }
    }
}
