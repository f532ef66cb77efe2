package dev.port25.agent.report;

import dev.port25.agent.settings.Settings;
import dev.port25.agent.testing.TempDirs;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The spool on a real file system: order, bounds, the drop count, what a crash leaves behind. */
class SpoolTest {

    Path dir;

    @BeforeEach
    void dir() throws Exception {
        dir = Files.createTempDirectory("p25-spool-").resolve("spool");
    }

    @AfterEach
    void clean() throws Exception {
        TempDirs.deleteTree(dir.getParent());
    }

    static byte[] body(String id, int size) {
        String head = "{\"id\":\"" + id + "\",\"pad\":\"";
        return (head + "x".repeat(Math.max(0, size - head.length() - 2)) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    @Test
    void reportsComeBackInTheOrderTheyWereAddedAndLeaveWhenDelivered() throws Exception {
        Spool s = Spool.open(dir, new Settings.Spool(null, null));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String id = id();
            ids.add(id);
            assertThat(s.add(id, body(id, 100)).dropped()).isZero();
        }
        List<Spool.Entry> pending = s.pending();
        assertThat(pending).extracting(Spool.Entry::id).containsExactlyElementsOf(ids);
        assertThat(new String(s.read(pending.get(7)), StandardCharsets.UTF_8)).startsWith("{\"id\":\"" + ids.get(7));
        s.delivered(pending.get(0));
        s.reject(pending.get(1));
        assertThat(Spool.open(dir, new Settings.Spool(null, null)).pending()).extracting(Spool.Entry::id)
                .containsExactlyElementsOf(ids.subList(2, 50));
        assertThat(dir.resolve("rejected").resolve(pending.get(1).file().getFileName())).exists();
        assertThat(s.dropped()).isZero();
    }

    @Test
    void pastTheCountBoundTheOldestAreDroppedAndTheDropCountedAcrossRestarts() throws Exception {
        Spool s = Spool.open(dir, new Settings.Spool(3, null));
        List<String> ids = new ArrayList<>();
        int dropped = 0;
        for (int i = 0; i < 5; i++) {
            String id = id();
            ids.add(id);
            dropped += s.add(id, body(id, 100)).dropped();
        }
        assertThat(dropped).isEqualTo(2);
        assertThat(s.pending()).extracting(Spool.Entry::id).containsExactlyElementsOf(ids.subList(2, 5));
        Spool again = Spool.open(dir, new Settings.Spool(3, null));
        assertThat(again.dropped()).isEqualTo(2);
        again.add(id(), body("x", 100));
        assertThat(again.dropped()).isEqualTo(3);
    }

    @Test
    void pastTheByteBoundTheOldestAreDroppedButNeverTheNewest() throws Exception {
        Spool s = Spool.open(dir, new Settings.Spool(null, 1));
        String a = id();
        String b = id();
        String c = id();
        s.add(a, body(a, 400_000));
        s.add(b, body(b, 400_000));
        assertThat(s.add(c, body(c, 400_000)).dropped()).isEqualTo(1);
        assertThat(s.pending()).extracting(Spool.Entry::id).containsExactly(b, c);
        String huge = id();
        assertThat(s.add(huge, body(huge, 2_000_000)).dropped()).as("a report larger than the bound stays alone")
                .isEqualTo(2);
        assertThat(s.pending()).extracting(Spool.Entry::id).containsExactly(huge);
        assertThat(s.dropped()).isEqualTo(3);
    }

    @Test
    void whatACrashLeftHalfWrittenIsRemovedOnOpenAndOtherFilesAreLeftAlone() throws Exception {
        Spool s = Spool.open(dir, new Settings.Spool(null, null));
        String id = id();
        s.add(id, body(id, 100));
        Files.writeString(dir.resolve(".tmp-0001780000000000000-" + id() + ".json"), "{\"id\":");
        Files.writeString(dir.resolve("notes.txt"), "an operator's file");
        Spool reopened = Spool.open(dir, new Settings.Spool(null, null));
        assertThat(reopened.pending()).extracting(Spool.Entry::id).containsExactly(id);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"))
                    .contains("notes.txt");
        }
    }

    @Test
    void twoSpoolsOnOneDirectoryInOneProcessShareItSafely() throws Exception {
        // as across a settings reload: the old and the new Spool, used from different threads
        Spool a = Spool.open(dir, new Settings.Spool(null, null));
        Spool b = Spool.open(dir, new Settings.Spool(null, null));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Spool s = i % 2 == 0 ? a : b;
                work.add(pool.submit(() -> {
                    String id = id();
                    s.add(id, body(id, 100));
                    return s.pending().size();
                }));
            }
            for (var f : work) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(a.pending()).hasSize(200);
    }

    @Test
    void aDropCountThatIsNotANumberIsAnErrorNotZero() throws Exception {
        Spool s = Spool.open(dir, new Settings.Spool(null, null));
        Files.writeString(dir.resolve("dropped"), "lots");
        Assertions.assertThatThrownBy(s::dropped).hasMessageContaining("does not hold a count: 'lots'");
    }
}
