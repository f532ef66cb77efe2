package dev.port25.packaging;

import dev.port25.firewall.exec.CommandResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark harness, not a test: cold {@code port25-agent status} through the installed launcher
 * (its class-data archive made by postinst, C1 only, serial GC) against {@code java -jar} of the
 * same installed jar and against {@code ss -tlnp}, in a booted Debian 12 with the deb installed
 * ({@link BootedDebian}), the service running in audit mode beside. The three commands take turns
 * in each round, so that they meet the same machine. Run by {@code bench/run}; prints Markdown.
 */
public final class LauncherBenchmark {

    private static final int ROUNDS = 21;

    private LauncherBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (BootedDebian box = BootedDebian.boot("bench")) {
            box.ok("dpkg", "-i", box.copyIn(Packages.deb()));
            String java = box.ok("readlink", "-f", "/usr/bin/java").strip();
            Map<String, List<String>> commands = new LinkedHashMap<>();
            commands.put("`port25-agent status` (installed launcher)", List.of("port25-agent", "status"));
            commands.put("`java -jar /usr/share/port25-agent/port25-agent.jar status`",
                    List.of("java", "-jar", "/usr/share/port25-agent/port25-agent.jar", "status"));
            commands.put("`ss -tlnp`", List.of("ss", "-tlnp"));
            Map<String, List<Double>> ms = new LinkedHashMap<>();
            commands.keySet().forEach(k -> ms.put(k, new ArrayList<>()));
            for (List<String> argv : commands.values()) {
                time(box, argv); // into the page cache
            }
            for (int round = 0; round < ROUNDS; round++) {
                for (Map.Entry<String, List<String>> c : commands.entrySet()) {
                    ms.get(c.getKey()).add(time(box, c.getValue()));
                }
            }
            double baseline = median(ms.get("`java -jar /usr/share/port25-agent/port25-agent.jar status`"));
            System.out.println("Debian 12 container (systemd-nspawn), " + java + ", " + ROUNDS
                    + " rounds, commands interleaved; times include nsenter into the container (about 1 ms).");
            System.out.println();
            System.out.println("| command | median (ms) | min (ms) | median vs java -jar |");
            System.out.println("|---|---:|---:|---:|");
            for (Map.Entry<String, List<Double>> e : ms.entrySet()) {
                double median = median(e.getValue());
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.2f |%n", e.getKey(), median,
                        e.getValue().stream().mapToDouble(Double::doubleValue).min().orElseThrow(), median / baseline);
            }
        }
    }

    private static double time(BootedDebian box, List<String> argv) throws Exception {
        long start = System.nanoTime();
        CommandResult r = box.run(Duration.ofSeconds(60), argv.toArray(String[]::new));
        double ms = (System.nanoTime() - start) / 1e6;
        boolean agent = !argv.get(0).equals("ss");
        if (agent ? r.exitCode() > 3 || !r.stdout().startsWith("PORT25 ") : !r.ok()) {
            throw new IllegalStateException(r.describe() + "\n" + r.stdout());
        }
        return ms;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
