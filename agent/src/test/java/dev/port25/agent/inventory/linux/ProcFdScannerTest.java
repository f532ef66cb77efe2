package dev.port25.agent.inventory.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The fd scan over a /proc-shaped tree of symlinks, laid out as Linux does. */
class ProcFdScannerTest {

    private static void fd(Path proc, long pid, int fd, String target) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(pid + "/fd"));
        Files.createSymbolicLink(dir.resolve(Integer.toString(fd)), Path.of(target));
    }

    @Test
    void findsEveryProcessHoldingAWantedInodeOnce(@TempDir Path proc) throws Exception {
        fd(proc, 100, 3, "socket:[13874]");
        fd(proc, 100, 4, "socket:[13874]"); // dup'ed fd: still one owner
        fd(proc, 100, 5, "socket:[99]");
        fd(proc, 200, 3, "socket:[13874]");
        fd(proc, 200, 7, "/var/log/mail.log");
        fd(proc, 300, 3, "socket:[13875]");
        fd(proc, 300, 4, "pipe:[13874]");
        Files.createDirectories(proc.resolve("self"));
        Files.createDirectories(proc.resolve("sys/net"));

        ProcFdScanner.Result r = new ProcFdScanner(proc).scan(Set.of(13874L, 13875L, 13876L));

        assertThat(r.holders()).containsOnlyKeys(13874L, 13875L);
        assertThat(r.holders().get(13874L)).containsExactly(100L, 200L);
        assertThat(r.holders().get(13875L)).containsExactly(300L);
        assertThat(r.unreadable()).isEmpty();
    }

    @Test
    void processWithoutFdDirectoryIsSkipped(@TempDir Path proc) throws Exception {
        Files.createDirectories(proc.resolve("400")); // exited between readdir and open
        fd(proc, 500, 3, "socket:[1]");
        assertThat(new ProcFdScanner(proc).scan(Set.of(1L)).holders().get(1L)).containsExactly(500L);
    }
}
