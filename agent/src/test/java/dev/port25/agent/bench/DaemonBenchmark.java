package dev.port25.agent.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.agent.daemon.StateFile;
import dev.port25.agent.testing.AgentJar;
import dev.port25.agent.testing.BackendLab;
import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallSelector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark harness, not a test: {@code port25-agent run} (the built jar, with the service's JVM
 * options from {@code packaging/service.jvmopts}) in enforce mode inside a server namespace.
 * <ul>
 * <li>{@code exposure [TRIALS]}: per backend, the agent's rules are removed behind the daemon's
 * back (as a firewall reload can), a listener opens on [::]:25 and a peer connects to it over
 * and over; the time from the listener's {@code listen()} to the start of the peer's first failed
 * connection. Median and worst of TRIALS (20). Each listener starts at a random moment of the
 * watch's 1 s round, as a real one would.</li>
 * <li>{@code idle MINUTES}: two idle daemons (nftables, nothing listening on 25), one with the
 * service's JVM options and one with the JVM's defaults; resident memory at the end, and CPU from
 * minute 1 to the end, of the JVM alone and with the tools it ran (nft, from the drift check).</li>
 * </ul>
 * Prints Markdown tables for BENCHMARKS.md; asserts only that every trial ended blocked.
 */
public final class DaemonBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JVM_OPTIONS = Path.of("packaging/service.jvmopts");
    private static final Pattern CONVERGED = Pattern.compile("new listener .*now holds 25 inbound CLOSED .*\\((\\d+) ms\\)$");

    /** Waits for a trigger file (argv[1]), then connects to the host named in it until a connection fails. */
    private static final String PEER = "import os,socket,sys,time\n"
            + "print('READY',flush=True)\n"
            + "while True:\n"
            + "    while not os.path.exists(sys.argv[1]): time.sleep(0.0005)\n"
            + "    host=open(sys.argv[1]).read().strip(); os.unlink(sys.argv[1]); n=0\n"
            + "    while True:\n"
            + "        start=time.time(); n+=1\n"
            + "        try:\n"
            + "            socket.create_connection((host,25),timeout=0.05).close(); time.sleep(0.002)\n"
            + "        except OSError:\n"
            + "            print('blocked %.6f %d' % (start, n), flush=True); break\n";
    private static final String LISTENER = "import socket,sys,time\ns=socket.socket(socket.AF_INET6)\n"
            + "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)\n"
            + "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            + "s.bind(('::',25)); s.listen(64); print('%.6f' % time.time(), flush=True)\n"
            + "while True:\n c,_=s.accept(); c.close()";

    private DaemonBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: DaemonBenchmark exposure [TRIALS] | idle MINUTES");
        }
        try (AgentJar jar = AgentJar.copy()) {
            switch (args[0]) {
                case "exposure" -> exposure(jar, args.length > 1 ? Integer.parseInt(args[1]) : 20);
                case "idle" -> idle(jar, Double.parseDouble(args[1]));
                default -> throw new IllegalArgumentException("unknown benchmark " + args[0]);
            }
        }
    }

    /** The service's JVM options: the file's lines without comments. */
    static List<String> serviceOptions() throws Exception {
        return Files.readAllLines(JVM_OPTIONS).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static void exposure(AgentJar jar, int trials) throws Exception {
        List<String> options = serviceOptions();
        System.out.println("| backend | exposure to block, median (ms) | worst (ms) | best (ms) | daemon's converge, median (ms) | trials |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (String backend : List.of("nftables", "iptables", "ufw", "firewalld")) {
            try (BackendLab lab = new BackendLab(jar, backend)) {
                // the drift check runs at start only: between trials, nothing but the watch closes 25
                Path settings = lab.settings("mode: enforce\ndaemon:\n  driftSeconds: 3600\n");
                BackgroundProcess daemon = lab.spawnAgent(options, lab.withState("run", "--config", settings.toString()));
                await(daemon, l -> l.contains("now holds 25 inbound CLOSED"), Duration.ofSeconds(120));
                FirewallAdapter adapter = new FirewallSelector().select(lab.runner(), Optional.of(backend)).adapter();
                Path trigger = lab.dir.resolve("trigger");
                BackgroundProcess peer = lab.peer.spawn(lab.peer.inside(List.of("/usr/bin/python3", "-c", PEER,
                        trigger.toString())));
                if (!peer.readLine(Duration.ofSeconds(10)).orElse("").equals("READY")) {
                    throw new IllegalStateException("the peer's watcher did not start: " + peer.stderrIfEnded());
                }
                Random random = new Random(25);
                List<Double> latency = new ArrayList<>();
                List<Double> converge = new ArrayList<>();
                for (int i = 0; i < trials; i++) {
                    // the agent's rules go, and the daemon must have seen that nothing listens
                    if (!adapter.apply(adapter.plan(adapter.state(), new Desired(Map.of(), Map.of()))).converged()) {
                        throw new IllegalStateException(backend + ": the agent's rules could not be removed");
                    }
                    awaitState(lab, "", Duration.ofSeconds(10));
                    // that state was written by a watch round: a listener right after it would always
                    // wait a whole round, so it starts at a random moment of the next one instead
                    Thread.sleep(random.nextInt(1000));
                    BackgroundProcess listener = lab.server.spawn(lab.server.inside(List.of("/usr/bin/python3", "-c",
                            LISTENER)));
                    double listening = Double.parseDouble(listener.readLine(Duration.ofSeconds(10)).orElseThrow());
                    Path next = Files.writeString(lab.dir.resolve("trigger.tmp"), "198.18.25.1");
                    Files.move(next, trigger, StandardCopyOption.ATOMIC_MOVE); // never seen half-written
                    String blocked = peer.readLine(Duration.ofSeconds(15)).orElseThrow(() ->
                            new IllegalStateException(backend + ": the peer still connects after 15 s"));
                    String[] b = blocked.split(" ");
                    if (b[2].equals("1")) {
                        throw new IllegalStateException(backend + ": the peer's first connection already failed: "
                                + "the port was closed before the daemon could have acted");
                    }
                    latency.add((Double.parseDouble(b[1]) - listening) * 1000);
                    Matcher m = CONVERGED.matcher(await(daemon, l -> CONVERGED.matcher(l).find(), Duration.ofSeconds(30)));
                    if (m.find()) {
                        converge.add(Double.parseDouble(m.group(1)));
                    }
                    listener.stop();
                }
                peer.stop();
                new CommandRunner().run("kill", "-TERM", Long.toString(daemon.pid()));
                daemon.waitFor(Duration.ofSeconds(30));
                System.err.println(backend + ": " + latency.stream().sorted().map(d -> String.format(Locale.ROOT, "%.0f", d)).toList());
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %d |%n", backend, median(latency),
                        latency.stream().mapToDouble(d -> d).max().orElseThrow(),
                        latency.stream().mapToDouble(d -> d).min().orElseThrow(), median(converge), latency.size());
            }
        }
    }

    /** Waits until the daemon's state file names {@code exposed} as its listeners beyond loopback. */
    private static void awaitState(BackendLab lab, String exposed, Duration wait) throws Exception {
        Path state = lab.dir.resolve("state").resolve(StateFile.NAME);
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (JSON.readTree(state.toFile()).path("exposed").asText().equals(exposed)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the daemon's state did not show exposed '" + exposed + "' within " + wait);
    }

    private static void idle(AgentJar jar, double minutes) throws Exception {
        List<List<String>> optionSets = List.of(serviceOptions(), List.of());
        List<BackendLab> labs = new ArrayList<>();
        List<BackgroundProcess> daemons = new ArrayList<>();
        try {
            for (List<String> options : optionSets) {
                BackendLab lab = new BackendLab(jar, "nftables");
                labs.add(lab);
                Path settings = lab.settings("mode: enforce\n");
                BackgroundProcess d = lab.spawnAgent(options, lab.withState("run", "--config", settings.toString()));
                daemons.add(d);
            }
            for (BackgroundProcess d : daemons) {
                await(d, l -> l.contains("now holds 25 inbound CLOSED"), Duration.ofSeconds(120));
                String comm = Files.readString(Path.of("/proc", Long.toString(d.pid()), "comm")).strip();
                if (!comm.equals("java")) {
                    throw new IllegalStateException("pid " + d.pid() + " is " + comm + ", not the JVM");
                }
            }
            long ticks = Long.parseLong(new CommandRunner().run("getconf", "CLK_TCK").stdout().strip());
            long start = System.nanoTime();
            long end = start + (long) (minutes * 60e9);
            long warm = start + Math.min((long) 60e9, (end - start) / 2);
            long[][] first = new long[daemons.size()][];
            long firstAt = 0;
            long[] peak = new long[daemons.size()];
            while (System.nanoTime() < end) {
                for (int i = 0; i < daemons.size(); i++) {
                    BackgroundProcess d = daemons.get(i);
                    while (d.readLine(Duration.ZERO).isPresent()) {
                        // drain its log
                    }
                    if (!d.isAlive()) {
                        throw new IllegalStateException("a daemon ended: " + d.stderrIfEnded());
                    }
                    peak[i] = Math.max(peak[i], status(d.pid(), "VmRSS"));
                }
                if (first[0] == null && System.nanoTime() >= warm) {
                    firstAt = System.nanoTime();
                    for (int i = 0; i < daemons.size(); i++) {
                        first[i] = cpu(daemons.get(i).pid());
                    }
                }
                Thread.sleep(2000);
            }
            double seconds = (System.nanoTime() - firstAt) / 1e9;
            System.out.println("| JVM options | RSS at the end (MiB) | of it anonymous / file-backed (MiB) | peak RSS (MiB) "
                    + "| CPU, JVM (% of a core) | CPU, JVM and its tools (% of a core) | minutes |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            for (int i = 0; i < daemons.size(); i++) {
                long pid = daemons.get(i).pid();
                long[] last = cpu(pid);
                double own = (last[0] - first[i][0]) / (double) ticks / seconds * 100;
                double all = (last[0] + last[1] - first[i][0] - first[i][1]) / (double) ticks / seconds * 100;
                List<String> options = optionSets.get(i);
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f / %.1f | %.1f | %.2f | %.2f | %.1f |%n",
                        options.isEmpty() ? "the JVM's defaults" : "`" + String.join(" ", options) + "`",
                        status(pid, "VmRSS") / 1024.0, status(pid, "RssAnon") / 1024.0,
                        (status(pid, "RssFile") + status(pid, "RssShmem")) / 1024.0, peak[i] / 1024.0, own, all, minutes);
            }
        } finally {
            for (BackgroundProcess d : daemons) {
                d.stop();
            }
            for (BackendLab lab : labs) {
                lab.close();
            }
        }
    }

    /** A {@code /proc/PID/status} field in kB. */
    private static long status(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
    }

    /** utime + stime, and cutime + cstime (its children that ended), in clock ticks. */
    private static long[] cpu(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": state is field 3, so utime (14) is index 11
        return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
    }

    private static String await(BackgroundProcess p, Predicate<String> match, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> line = p.readLine(Duration.ofMillis(200));
            if (line.isPresent() && match.test(line.get())) {
                return line.get();
            }
            if (line.isEmpty() && !p.isAlive()) {
                throw new IllegalStateException("the daemon ended: " + p.stderrIfEnded());
            }
        }
        throw new IllegalStateException("no such line from the daemon within " + wait);
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(values);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
