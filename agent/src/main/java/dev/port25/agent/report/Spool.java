package dev.port25.agent.report;

import dev.port25.agent.platform.SecretFiles;
import dev.port25.agent.settings.Settings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reports on disk until the endpoint has them: one file per report, named
 * {@code <sequence>-<id>.json}, written to a temporary name, fsynced, renamed, and the directory
 * fsynced, so that a crash (kill -9, power loss) leaves each report either whole or absent,
 * never half written. Delivery is at least once: a report's file goes only after the endpoint
 * took it. Bounded by count and bytes: past either bound the oldest reports are dropped and
 * counted, the count kept in the directory too. Every change holds an exclusive lock on
 * {@code .lock}, so that the daemon and {@code report --send} can share the directory.
 */
public final class Spool {

    /** One spooled report. */
    public record Entry(Path file, long sequence, String id, long bytes) {
        public Entry {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(id, "id");
        }
    }

    private static final Pattern NAME = Pattern.compile("(\\d{19})-([0-9a-f-]{36})\\.json");
    private static final String DROPPED = "dropped";
    private static final String TMP = ".tmp-";

    private final Path dir;
    private final int maxReports;
    private final long maxBytes;

    private Spool(Path dir, int maxReports, long maxBytes) {
        this.dir = dir;
        this.maxReports = maxReports;
        this.maxBytes = maxBytes;
    }

    /**
     * Opens (creating, mode 0700) the spool in {@code dir}, and removes what a crash left
     * half-written: temporary files that never got their name.
     */
    public static Spool open(Path dir, Settings.Spool bounds) throws IOException {
        SecretFiles.privateDirectory(dir);
        Spool s = new Spool(dir, bounds.maxReports(), bounds.maxMegabytes() * 1024L * 1024L);
        try (Locked lock = s.lock()) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    if (p.getFileName().toString().startsWith(TMP)) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        return s;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Adds a report, durably, after every report already here; then drops the oldest while past a
     * bound (never the one just added).
     *
     * @return the entry, and how many older reports were dropped to make room
     */
    public Added add(String id, byte[] body) throws IOException {
        if (!id.matches("[0-9a-f-]{36}")) {
            throw new IllegalArgumentException("not a report id: " + id);
        }
        try (Locked lock = lock()) {
            List<Entry> before = scan();
            long seq = Math.max(System.currentTimeMillis() * 1000,
                    before.isEmpty() ? 0 : before.get(before.size() - 1).sequence() + 1);
            Path target = dir.resolve(String.format(Locale.ROOT, "%019d-%s.json", seq, id));
            writeDurably(target, body);
            Entry added = new Entry(target, seq, id, body.length);
            List<Entry> all = new ArrayList<>(before);
            all.add(added);
            int dropped = 0;
            long bytes = all.stream().mapToLong(Entry::bytes).sum();
            while (all.size() > 1 && (all.size() > maxReports || bytes > maxBytes)) {
                Entry oldest = all.remove(0);
                Files.deleteIfExists(oldest.file());
                bytes -= oldest.bytes();
                dropped++;
            }
            if (dropped > 0) {
                writeDurably(dir.resolve(DROPPED), Long.toString(readDropped() + dropped).getBytes(StandardCharsets.US_ASCII));
            }
            return new Added(added, dropped);
        }
    }

    /** A report added, and the older ones dropped for it. */
    public record Added(Entry entry, int dropped) {
    }

    /** The reports not yet delivered, oldest first. */
    public List<Entry> pending() throws IOException {
        try (Locked lock = lock()) {
            return scan();
        }
    }

    public byte[] read(Entry e) throws IOException {
        return Files.readAllBytes(e.file());
    }

    /** The endpoint has it: it leaves the spool. */
    public void delivered(Entry e) throws IOException {
        try (Locked lock = lock()) {
            Files.deleteIfExists(e.file());
            syncDir();
        }
    }

    /**
     * The endpoint refused this report for good (or it is unreadable): it moves to
     * {@code rejected/} for an operator to look at, out of the way of the reports after it.
     */
    public void reject(Entry e) throws IOException {
        try (Locked lock = lock()) {
            Path rejected = Files.createDirectories(dir.resolve("rejected"));
            if (Files.exists(e.file())) {
                Files.move(e.file(), rejected.resolve(e.file().getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            syncDir();
        }
    }

    /** Reports dropped so far, past the bounds (kept across restarts). */
    public long dropped() throws IOException {
        try (Locked lock = lock()) {
            return readDropped();
        }
    }

    private long readDropped() throws IOException {
        Path f = dir.resolve(DROPPED);
        if (!Files.exists(f)) {
            return 0;
        }
        String text = Files.readString(f, StandardCharsets.US_ASCII).strip();
        if (!text.matches("\\d{1,18}")) {
            throw new IOException(f + " does not hold a count: '" + text + "'");
        }
        return Long.parseLong(text);
    }

    private List<Entry> scan() throws IOException {
        List<Entry> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(new Entry(p, Long.parseLong(m.group(1)), m.group(2), Files.size(p)));
                }
            }
        }
        out.sort(Comparator.comparingLong(Entry::sequence));
        return out;
    }

    /** temp file, fsync, rename over the target, fsync the directory. */
    private void writeDurably(Path target, byte[] body) throws IOException {
        Path tmp = dir.resolve(TMP + target.getFileName());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(body);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("a temporary file is in the way: " + tmp, e);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("the spool's file system cannot rename atomically: " + dir, e);
        }
        syncDir();
    }

    private void syncDir() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /**
     * Within this process, one spool operation at a time (the JVM refuses a second lock on a file
     * it already holds, as two {@code Spool}s on one directory would ask for, say across a reload).
     */
    private static final ReentrantLock PROCESS = new ReentrantLock();

    /** The directory's lock, held until closed (closing the channel releases it). */
    private Locked lock() throws IOException {
        PROCESS.lock();
        FileChannel ch = null;
        try {
            ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            ch.lock();
            return new Locked(ch);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            PROCESS.unlock();
            throw e;
        }
    }

    private record Locked(FileChannel channel) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                PROCESS.unlock();
            }
        }
    }
}
