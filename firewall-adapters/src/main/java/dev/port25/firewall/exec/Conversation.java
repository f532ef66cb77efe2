package dev.port25.firewall.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A process started by {@link CommandRunner#converse(Command, Duration)} to talk to: its standard
 * input is {@link #input()}, its standard output {@link #output()}, read by a thread into a small
 * bounded queue (so a chatty child is held back, not buffered without end). A read that finds
 * nothing within the read slice throws {@link InterruptedIOException}, as a socket with a read
 * timeout does, so the caller's own deadline decides how long to wait. Standard error is captured,
 * bounded, for diagnostics. {@link #close()} ends exactly this process and its descendants, by
 * pid; the command's timeout ends it too, however long the caller takes.
 */
public final class Conversation implements AutoCloseable {

    private final List<String> argv;
    private final Process process;
    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(16);
    private final CompletableFuture<CommandRunner.Captured> stderr;
    private final InputStream output;
    private final Thread pump;
    /** Put after the last chunk: the output has ended. */
    private static final byte[] END = new byte[0];

    Conversation(List<String> argv, Process process, Duration readSlice, Duration timeout) {
        this.argv = List.copyOf(argv);
        this.process = process;
        this.stderr = CommandRunner.capture(process.getErrorStream());
        this.pump = new Thread(() -> {
            try {
                try (InputStream in = process.getInputStream()) {
                    byte[] buf = new byte[8192];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        chunks.put(Arrays.copyOf(buf, n));
                    }
                } catch (IOException ignored) {
                    // the pipe closed under us (the process was killed): that is the end too
                }
                chunks.put(END); // waits for room like any chunk, so nothing before it is lost
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // close(): nobody reads any more
            }
        }, "conversation-stdout");
        pump.setDaemon(true);
        pump.start();
        process.onExit().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> {
                    CommandRunner.kill(process);
                    return process;
                });
        this.output = new SlicedInput(readSlice);
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** The argv that started it. */
    public List<String> argv() {
        return argv;
    }

    /** Writes to the process's standard input. */
    public OutputStream input() {
        return process.getOutputStream();
    }

    /** Reads its standard output; see the class comment for the read slice. */
    public InputStream output() {
        return output;
    }

    /** Standard error so far, once the process has ended; empty while it runs. */
    public String stderrIfEnded() {
        return stderr.isDone() ? stderr.join().text() : "";
    }

    /** Closes its standard input and ends it (and its descendants) if it has not ended within 1 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // it has gone already
        }
        try {
            if (!process.waitFor(1, TimeUnit.SECONDS)) {
                CommandRunner.kill(process);
            }
        } catch (InterruptedException e) {
            CommandRunner.kill(process);
            Thread.currentThread().interrupt();
        }
        pump.interrupt(); // it may wait for room in the queue that no reader will make
    }

    @Override
    public String toString() {
        return "pid " + pid() + ": " + String.join(" ", argv) + (process.isAlive() ? "" : " (ended)");
    }

    /** The pump's chunks as a stream whose reads give up after the slice. */
    private final class SlicedInput extends InputStream {
        private final long sliceMillis;
        private byte[] current = new byte[0];
        private int pos;
        private boolean ended;

        SlicedInput(Duration slice) {
            this.sliceMillis = slice.toMillis();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (pos >= current.length) {
                if (ended) {
                    return -1;
                }
                byte[] next;
                try {
                    next = chunks.poll(sliceMillis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
                if (next == null) {
                    throw new InterruptedIOException("no output within " + sliceMillis + " ms");
                }
                if (next == END) {
                    ended = true;
                    return -1;
                }
                current = next;
                pos = 0;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
