package dev.port25.firewall.bench;

import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.firewalld.FirewalldLab;
import dev.port25.firewall.iptables.IptablesLab;
import dev.port25.firewall.spi.ApplyResult;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallSelector;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Plan;
import dev.port25.firewall.testing.PacketLab;
import dev.port25.firewall.ufw.UfwLab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How long from {@code apply(plan(CLOSED))} until a peer can no longer connect, per backend
 * (nftables, iptables-nft, iptables-legacy, ufw, firewalld), each in its own server namespace
 * with a listener on [::]:25. A watcher in the peer namespace connects to the server's IPv4
 * address over and over (50 ms connect timeout, 2 ms apart) from the moment a trigger file
 * appears (polled every 0.5 ms), and reports when the first failed attempt started; the harness
 * writes the trigger and starts {@code apply()} right after.
 * Between trials the adapter converges back to OPEN. Prints a Markdown table of medians.
 * Not a test: it asserts only that every trial ends blocked and converged.
 */
public final class ApplyBenchmark {

    private static final int TRIALS = 5;
    private static final Desired CLOSED = Desired.of(25, new Inbound.Closed());
    private static final Desired OPEN = Desired.of(25, new Inbound.Open());
    /** Waits for the trigger file (argv[1]) naming the host, then connects until refused or timed out. */
    private static final String WATCH = "import os,socket,sys,time\n"
            + "print('READY',flush=True)\n"
            + "while True:\n"
            + "    while not os.path.exists(sys.argv[1]): time.sleep(0.0005)\n"
            + "    t0=time.monotonic(); host=open(sys.argv[1]).read().strip(); os.unlink(sys.argv[1]); n=0\n"
            + "    while True:\n"
            + "        start=time.monotonic(); n+=1\n"
            + "        try:\n"
            + "            socket.create_connection((host,25),timeout=0.05).close(); time.sleep(0.002)\n"
            + "        except OSError:\n"
            + "            print('blocked %.1f %d' % ((start-t0)*1000, n), flush=True); break\n";

    private ApplyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("| backend | apply() returned, median (ms) | peer blocked after apply() started, median (ms) | worst (ms) | trials |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (String backend : List.of("nftables", "iptables-nft", "iptables-legacy", "ufw", "firewalld")) {
            run(backend);
        }
    }

    private static void run(String backend) throws Exception {
        try (PacketLab lab = PacketLab.start("bench")) {
            AutoCloseable extra = null;
            FirewallAdapter adapter;
            switch (backend) {
                case "iptables-nft", "iptables-legacy" -> {
                    IptablesLab.useVariant(lab.server(), backend.substring("iptables-".length()));
                    adapter = lab.adapter("iptables");
                }
                case "ufw" -> {
                    UfwLab.ownUfwConfig(lab.server());
                    adapter = lab.adapter("ufw");
                }
                case "firewalld" -> {
                    FirewalldLab fw = FirewalldLab.start(lab.server());
                    extra = fw;
                    // the default zone rejects 25 unless it is opened, as on a mail server
                    fw.runner().run("firewall-cmd", "--add-port=25/tcp");
                    adapter = new FirewallSelector().select(fw.runner(), Optional.of("firewalld")).adapter();
                }
                default -> adapter = lab.adapter(backend);
            }
            try {
                measure(backend, lab, adapter);
            } finally {
                if (extra != null) {
                    extra.close();
                }
            }
        }
    }

    private static void measure(String backend, PacketLab lab, FirewallAdapter adapter) throws Exception {
        Path trigger = Files.createTempDirectory("p25-bench-").resolve("go");
        BackgroundProcess watcher = new CommandRunner().spawn(Command.of(lab.peer().inside(
                List.of(PacketLab.PYTHON, "-u", "-c", WATCH, trigger.toString()))));
        try {
            if (!watcher.readLine(Duration.ofSeconds(10)).orElse("").equals("READY")) {
                throw new IllegalStateException("watcher did not start: " + watcher.stderrIfEnded());
            }
            List<Double> applied = new ArrayList<>();
            List<Double> blocked = new ArrayList<>();
            for (int i = 0; i < TRIALS; i++) {
                PacketLab.converge(adapter, OPEN);
                if (!lab.probe(PacketLab.SERVER4).equals("open")) {
                    throw new IllegalStateException(backend + ": not open before trial " + i);
                }
                Plan plan = adapter.plan(adapter.state(), CLOSED);
                Files.writeString(trigger.resolveSibling("tmp"), PacketLab.SERVER4);
                Files.move(trigger.resolveSibling("tmp"), trigger, StandardCopyOption.ATOMIC_MOVE);
                long t0 = System.nanoTime();
                ApplyResult r = adapter.apply(plan);
                applied.add((System.nanoTime() - t0) / 1e6);
                if (!r.converged()) {
                    throw new IllegalStateException(backend + ": apply did not converge: " + r.remaining());
                }
                String line = watcher.readLine(Duration.ofSeconds(30)).orElseThrow(
                        () -> new IllegalStateException(backend + ": the peer still connects 30 s after apply()"));
                blocked.add(Double.parseDouble(line.split(" ")[1]));
            }
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %d |%n", backend, median(applied),
                    median(blocked), blocked.stream().mapToDouble(d -> d).max().orElseThrow(), TRIALS);
        } finally {
            watcher.stop();
            Files.deleteIfExists(trigger);
            Files.delete(trigger.getParent());
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
