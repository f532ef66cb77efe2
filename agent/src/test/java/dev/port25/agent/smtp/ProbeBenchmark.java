package dev.port25.agent.smtp;

import dev.port25.agent.testing.AgentJar;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Wall time of a full probe ({@code java -jar port25-agent.jar probe ADDRESS --json}, a new JVM
 * each time) against nmap with smtp-open-relay, smtp-enum-users and smtp-commands, on the same
 * instance from the same namespace, 3 runs each after one unmeasured run; medians. The instances
 * are SmtpProbeIT's: Postfix hardened, open relay, enumerable and loopback-only (probed from the
 * server's own namespace on 127.0.0.1, the only place it answers), and Exim 4.96 with Debian's
 * default configuration when its .deb files are there. Postfix's error tarpit is off (as in the
 * tests); with it on, every rejected relay form costs the probe and nmap alike one more second.
 * Prints a Markdown table. Needs -Dport25.jar.
 */
public final class ProbeBenchmark {

    private static final int RUNS = 3;

    private ProbeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (Netns server = Netns.create("pbench-s"); Netns peer = Netns.create("pbench-c");
             AgentJar jar = AgentJar.copy()) {
            Netns.link(server, "198.18.25.1/24", "fd00:25::1/64", peer, "198.18.25.2/24", "fd00:25::2/64");
            System.out.println("| instance | agent probe, median (ms) | nmap 3 scripts, median (ms) | agent / nmap | runs |");
            System.out.println("|---|---:|---:|---:|---:|");
            String at = "198.18.25.1";
            try (PostfixLab pf = PostfixLab.start(server, at, Map.of("disable_vrfy_command", "yes"))) {
                bench("Postfix hardened (VRFY off, relay refused)", peer, at, jar);
            }
            try (PostfixLab pf = PostfixLab.start(server, at, Map.of("mynetworks", "0.0.0.0/0 [::]/0",
                    "disable_vrfy_command", "no"))) {
                bench("Postfix open relay (VRFY on)", peer, at, jar);
            }
            try (PostfixLab pf = PostfixLab.start(server, at, Map.of("disable_vrfy_command", "no"))) {
                bench("Postfix enumerable (VRFY on, relay refused)", peer, at, jar);
            }
            try (PostfixLab pf = PostfixLab.start(server, "127.0.0.1", Map.of("disable_vrfy_command", "yes"))) {
                bench("Postfix loopback-only (from its own namespace)", server, "127.0.0.1", jar);
            }
            if (Files.isDirectory(EximLab.debs())) {
                try (EximLab exim = EximLab.start(server, at, conf -> conf)) {
                    bench("Exim 4.96, Debian's default configuration", peer, at, jar);
                }
            } else {
                System.out.println("| Exim: no .deb files in " + EximLab.debs() + " | | | | |");
            }
        }
    }

    private static void bench(String name, Netns from, String address, AgentJar jar) throws Exception {
        List<String> agent = new ArrayList<>(from.inside(List.of()));
        agent.addAll(jar.argv("probe", address, "--json"));
        List<String> nmap = from.inside(List.of("nmap", "-Pn", "-n", "-p25", "--script",
                "smtp-open-relay,smtp-enum-users,smtp-commands", address));
        double a = median(agent);
        double n = median(nmap);
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.2fx | %d |%n", name, a, n, a / n, RUNS);
    }

    private static double median(List<String> argv) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i <= RUNS; i++) {
            long t0 = System.nanoTime();
            CommandResult r = new CommandRunner().run(new Command(argv, Duration.ofSeconds(120), Map.of(), new byte[0]));
            double ms = (System.nanoTime() - t0) / 1e6;
            if (r.stdout().isEmpty()) {
                throw new IllegalStateException(r.describe());
            }
            if (i > 0) {
                times.add(ms);
            }
        }
        return times.stream().sorted().toList().get(times.size() / 2);
    }
}
