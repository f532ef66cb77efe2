package dev.port25.firewall.exec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A process started by {@link CommandRunner#spawn(Command)}. Its standard output is read on a
 * thread into a line queue; standard error is captured for diagnostics. {@link #stop()} ends
 * exactly this process and its descendants, by pid.
 */
public final class BackgroundProcess implements AutoCloseable {

    private static final String EOF = new String("<eof>");

    private final List<String> argv;
    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final CompletableFuture<CommandRunner.Captured> stderr;

    BackgroundProcess(List<String> argv, Process process) {
        this.argv = List.copyOf(argv);
        this.process = process;
        this.stderr = CommandRunner.capture(process.getErrorStream());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // stream closed by stop()
            } finally {
                lines.add(EOF);
            }
        }, "background-stdout-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** The argv that started it. */
    public List<String> argv() {
        return argv;
    }

    /** True while the process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * The next line of standard output, waiting at most {@code wait}; empty when none came in
     * time or the process closed its output.
     */
    public Optional<String> readLine(Duration wait) {
        try {
            String line = lines.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (line == EOF) {
                lines.add(EOF);
                return Optional.empty();
            }
            return Optional.ofNullable(line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Standard error so far, once the process has ended; empty while it runs. */
    public String stderrIfEnded() {
        return stderr.isDone() ? stderr.join().text() : "";
    }

    /** Asks the process to terminate, then kills it and its descendants if it has not ended within 3 s. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                CommandRunner.kill(process);
            }
        } catch (InterruptedException e) {
            CommandRunner.kill(process);
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** Waits for the process to end by itself; returns its exit status, or empty at the deadline. */
    public Optional<Integer> waitFor(Duration wait) {
        try {
            return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)
                    ? Optional.of(process.exitValue()) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "pid " + pid() + ": " + String.join(" ", argv) + (isAlive() ? "" : " (ended)");
    }
}
