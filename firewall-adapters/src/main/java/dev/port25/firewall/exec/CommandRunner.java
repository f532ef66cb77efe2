package dev.port25.firewall.exec;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The only code in port25-agent that starts processes.
 *
 * <ul>
 *   <li>argv lists only; nothing is ever passed through a shell;</li>
 *   <li>{@code LC_ALL=C} in every child's environment, so output parses the same everywhere;</li>
 *   <li>standard output and standard error are read concurrently, so a chatty child cannot
 *       deadlock on a full pipe, and each is bounded by {@link #MAX_OUTPUT_BYTES};</li>
 *   <li>a timeout kills the process and its descendants and raises {@link CommandException.TimedOut};</li>
 *   <li>a missing program is {@link CommandException.NotFound}; a non-zero exit is data in the
 *       {@link CommandResult}.</li>
 * </ul>
 *
 * <p>Long-running helpers (test servers, daemons) are started with {@link #spawn(Command)}, and
 * a process to hold a conversation with (a protocol over its pipes) with {@link #converse}.
 * A runner may carry an argv prefix that every command is run through, e.g.
 * {@link #inNetworkNamespace(String)}; plans render argv without it. Instances are immutable and
 * thread-safe.
 */
public final class CommandRunner {

    private final List<String> prefix;

    /** A runner that starts commands as given. */
    public CommandRunner() {
        this(List.of());
    }

    private CommandRunner(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    /**
     * A runner whose commands run inside the named network namespace ({@code ip netns exec NS ...}),
     * with that namespace's {@code /etc/netns/NS} overlay.
     */
    public static CommandRunner inNetworkNamespace(String namespace) {
        if (namespace.isEmpty() || namespace.contains("/") || namespace.startsWith("-")) {
            throw new IllegalArgumentException("not a network namespace name: '" + namespace + "'");
        }
        return new CommandRunner().withPrefix(List.of("ip", "netns", "exec", namespace));
    }

    /**
     * This runner with {@code more} put in front of every argv, after any prefix it has: a
     * launcher that executes the rest ({@code ip netns exec NS}, {@code setpriv ...},
     * {@code env PATH=...}). When the launcher reports that it could not find the program
     * (exit 127 or 255 with "No such file or directory"), that is {@link CommandException.NotFound}
     * as without a prefix.
     */
    public CommandRunner withPrefix(List<String> more) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(more);
        return new CommandRunner(all);
    }

    /**
     * A file as this runner's commands would read it: directly when they run as this process does
     * (no prefix), else with {@code cat} behind the prefix, so that another network namespace's
     * {@code /proc/net} or another user's permissions apply. Empty when the file does not exist.
     *
     * @throws IOException when it exists but cannot be read
     */
    public Optional<String> readFile(Path file) throws IOException {
        if (prefix.isEmpty()) {
            try {
                return Optional.of(Files.readString(file));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
        }
        try {
            CommandResult r = run("cat", file.toString());
            if (r.ok()) {
                return Optional.of(r.stdout());
            }
            if (r.stderr().contains("No such file or directory")) {
                return Optional.empty();
            }
            throw new IOException(r.describe());
        } catch (CommandException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private List<String> full(List<String> argv) {
        if (prefix.isEmpty()) {
            return argv;
        }
        List<String> all = new ArrayList<>(prefix);
        all.addAll(argv);
        return all;
    }

    /** Output beyond this many bytes per stream is read and discarded, and the result is marked truncated. */
    public static final int MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

    /** Runs {@code command} to completion. */
    public CommandResult run(Command command) throws CommandException {
        long start = System.nanoTime();
        Process process = start(command);
        CompletableFuture<Captured> out = capture(process.getInputStream());
        CompletableFuture<Captured> err = capture(process.getErrorStream());
        feed(process, command.stdin());
        boolean exited;
        try {
            exited = process.waitFor(command.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new CommandException.Interrupted(command.argv());
        }
        if (!exited) {
            kill(process);
            throw new CommandException.TimedOut(command.argv(), command.timeout(),
                    join(out, Duration.ofSeconds(1)).text(), join(err, Duration.ofSeconds(1)).text());
        }
        Captured o = join(out, Duration.ofSeconds(5));
        Captured e = join(err, Duration.ofSeconds(5));
        int status = process.exitValue();
        if (!prefix.isEmpty() && (status == 127 || status == 255) && o.text().isEmpty()
                && e.text().contains(command.program()) && e.text().contains("No such file or directory")) {
            throw new CommandException.NotFound(command.argv(), new IOException(e.text().strip()));
        }
        return new CommandResult(command.argv(), status, o.text(), e.text(),
                Duration.ofNanos(System.nanoTime() - start), o.truncated() || e.truncated());
    }

    /** Runs {@code argv} with the default timeout. */
    public CommandResult run(String... argv) throws CommandException {
        return run(Command.of(argv));
    }

    /**
     * Starts {@code command} and returns at once. Standard error goes to the handle's buffer,
     * standard output can be read line by line. The command's timeout does not apply; the caller
     * stops the process with {@link BackgroundProcess#stop()}.
     */
    public BackgroundProcess spawn(Command command) throws CommandException {
        Process process = start(command);
        return new BackgroundProcess(command.argv(), process);
    }

    /**
     * Starts {@code command} to talk to through its standard input and output (a protocol spoken
     * over a pipe, e.g. {@code exim -bh}). Reads of its output give up after {@code readSlice};
     * the command's timeout kills it. The caller closes the {@link Conversation}.
     */
    public Conversation converse(Command command, Duration readSlice) throws CommandException {
        if (command.stdin().length > 0) {
            throw new IllegalArgumentException("a conversation's input is written through Conversation.input()");
        }
        return new Conversation(full(command.argv()), start(command, true), readSlice, command.timeout());
    }

    private Process start(Command command) throws CommandException {
        return start(command, false);
    }

    private Process start(Command command, boolean pipeInput) throws CommandException {
        ProcessBuilder pb = new ProcessBuilder(full(command.argv()));
        pb.environment().putAll(command.env());
        pb.environment().put("LC_ALL", "C");
        if (command.stdin().length == 0 && !pipeInput) {
            pb.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        }
        try {
            return pb.start();
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("error=2,") || msg.contains("No such file")) {
                throw new CommandException.NotFound(command.argv(), e);
            }
            throw new CommandException.StartFailed(command.argv(), e);
        }
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** Writes the input on its own thread, so a child that never reads it cannot outlast the timeout. */
    private static void feed(Process process, byte[] input) {
        if (input.length == 0) {
            return;
        }
        Thread writer = new Thread(() -> {
            try (OutputStream in = process.getOutputStream()) {
                in.write(input);
            } catch (IOException ignored) {
                // The process closed its input early (or exited); its exit status tells what happened.
            }
        }, "command-input-writer");
        writer.setDaemon(true);
        writer.start();
    }

    static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    record Captured(String text, boolean truncated) {
    }

    static CompletableFuture<Captured> capture(InputStream stream) {
        CompletableFuture<Captured> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (InputStream in = stream) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                byte[] chunk = new byte[16384];
                boolean truncated = false;
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    int room = MAX_OUTPUT_BYTES - buf.size();
                    if (n > room) {
                        truncated = true;
                    }
                    buf.write(chunk, 0, Math.max(0, Math.min(n, room)));
                }
                result.complete(new Captured(buf.toString(StandardCharsets.UTF_8), truncated));
            } catch (IOException e) {
                result.complete(new Captured("", false));
            }
        }, "command-output-reader");
        reader.setDaemon(true);
        reader.start();
        return result;
    }

    private static Captured join(CompletableFuture<Captured> future, Duration wait) {
        try {
            return future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Captured("", true);
        } catch (ExecutionException | TimeoutException e) {
            // A descendant that escaped the kill still holds the pipe open.
            return new Captured("", true);
        }
    }
}
