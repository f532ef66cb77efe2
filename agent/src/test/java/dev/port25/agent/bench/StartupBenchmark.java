package dev.port25.agent.bench;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark harness, not a test: cold wall time of {@code java -jar agent/target/port25-agent.jar
 * status} (a new JVM per run; the OS page cache is warm), on JDK 17 as it is, on JDK 17 with an
 * AppCDS archive made by one training run (alone, and with the flags a launcher script would add),
 * and on Temurin 25 when installed. Run by {@code bench/run}.
 */
public final class StartupBenchmark {

    private static final int RUNS = 11;
    private static final Path JAR = Path.of("agent/target/port25-agent.jar");

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        Path temurin25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        String java17 = Files.isExecutable(jdk17) ? jdk17.toString() : "java";
        System.out.println("| JVM | command | median (ms) | worst (ms) | runs |");
        System.out.println("|---|---|---:|---:|---:|");
        row("JDK 17", List.of(java17, "-jar", JAR.toString(), "status"));
        Path jsa = Files.createTempFile("port25-agent", ".jsa");
        try {
            Files.delete(jsa);
            CommandResult train = new CommandRunner().run(java17, "-XX:ArchiveClassesAtExit=" + jsa, "-jar", JAR.toString(), "status");
            if (!Files.exists(jsa)) {
                throw new IllegalStateException("AppCDS training run made no archive: " + train.stderr());
            }
            row("JDK 17 + AppCDS", List.of(java17, "-XX:SharedArchiveFile=" + jsa, "-jar", JAR.toString(), "status"));
            // What a CLI launcher script can add: no C2 for a short run, and a GC that sets up fast.
            row("JDK 17 + AppCDS + launcher flags", List.of(java17, "-XX:SharedArchiveFile=" + jsa,
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toString(), "status"));
        } finally {
            Files.deleteIfExists(jsa);
        }
        if (Files.isExecutable(temurin25)) {
            row("Temurin 25", List.of(temurin25.toString(), "-jar", JAR.toString(), "status"));
        }
    }

    private static void row(String jvm, List<String> argv) throws Exception {
        CommandRunner runner = new CommandRunner();
        List<Double> ms = new ArrayList<>();
        runner.run(Command.of(argv)); // the jar into the page cache
        for (int i = 0; i < RUNS; i++) {
            CommandResult r = runner.run(Command.of(argv));
            if (r.exitCode() > 3 || !r.stdout().startsWith("PORT25 ")) {
                throw new IllegalStateException(r.describe() + "\n" + r.stdout() + r.stderr());
            }
            ms.add(r.elapsed().toNanos() / 1e6);
        }
        ms.sort(null);
        System.out.printf(Locale.ROOT, "| %s | `%s` | %.0f | %.0f | %d |%n", jvm,
                String.join(" ", argv).replaceAll("/tmp/\\S+\\.jsa", "<archive>"), ms.get(RUNS / 2), ms.get(RUNS - 1), RUNS);
    }
}
