package dev.port25.agent.platform.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessRootTest {

    /** A /proc with process {@code pid} in mount namespace {@code mnt} and root {@code root}; self in mnt:[1], root /. */
    private static Path proc(Path dir, long pid, String mnt, Path root) throws IOException {
        Path proc = dir.resolve("proc");
        Files.createDirectories(proc.resolve("self/ns"));
        Files.createSymbolicLink(proc.resolve("self/ns/mnt"), Path.of("mnt:[1]"));
        Files.createDirectories(proc.resolve(pid + "/ns"));
        Files.createSymbolicLink(proc.resolve(pid + "/ns/mnt"), Path.of(mnt));
        Files.createSymbolicLink(proc.resolve(pid + "/root"), root);
        return proc;
    }

    @Test
    void aProcessWithTheAgentsMountsAndRootSeesTheAgentsFiles(@TempDir Path dir) throws IOException {
        assertThat(new ProcessRoot(proc(dir, 7, "mnt:[1]", Path.of("/"))).foreign(7)).isEmpty();
        assertThat(new ProcessRoot().foreign(ProcessHandle.current().pid())).as("the agent itself").isEmpty();
    }

    @Test
    void anotherMountNamespaceOrRootIsReadThroughProcPidRoot(@TempDir Path dir) throws IOException {
        Path mounts = proc(dir.resolve("a"), 7, "mnt:[2]", Path.of("/"));
        assertThat(new ProcessRoot(mounts).foreign(7)).isEqualTo(Optional.of(mounts.resolve("7/root")));
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Path chrooted = proc(dir.resolve("b"), 8, "mnt:[1]", rootfs);
        assertThat(new ProcessRoot(chrooted).foreign(8)).isEqualTo(Optional.of(chrooted.resolve("8/root")));
        assertThatThrownBy(() -> new ProcessRoot(chrooted).foreign(9)).isInstanceOf(IOException.class);
    }

    @Test
    void aPathInsideARootIsFollowedWithoutLinksOrDotDot(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("etc/postfix"));
        Files.writeString(root.resolve("etc/postfix/main.cf"), "mynetworks = 0.0.0.0/0\n");
        assertThat(ProcessRoot.resolve(root, Path.of("/etc/postfix/main.cf"))).isEqualTo(root.resolve("etc/postfix/main.cf"));
        // an absolute link inside a container's root resolves against the host's: never followed
        Files.createDirectories(root.resolve("srv"));
        Files.createSymbolicLink(root.resolve("srv/postfix"), Path.of("/etc/postfix"));
        assertThatThrownBy(() -> ProcessRoot.resolve(root, Path.of("/srv/postfix/main.cf")))
                .isInstanceOf(IOException.class).hasMessageContaining(root.resolve("srv/postfix") + " is a symbolic link");
        assertThatThrownBy(() -> ProcessRoot.resolve(root, Path.of("/etc/../../etc/shadow")))
                .isInstanceOf(IOException.class).hasMessageContaining("..");
        assertThatThrownBy(() -> ProcessRoot.resolve(root, Path.of("etc/postfix"))).isInstanceOf(IOException.class);
    }

    @Test
    void theAgentsOwnJavaIsThisHostsExecutable() throws IOException {
        assertThat(new ProcessRoot().runsHostExecutable(ProcessHandle.current().pid())).isTrue();
    }

    @Test
    void aFileThroughTheAgentsOwnRootIsTheSameFileAndOneElsewhereIsNot(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("main.cf"), "x\n");
        long self = ProcessHandle.current().pid();
        assertThat(new ProcessRoot().seesSameFile(self, file)).isTrue();
        assertThat(new ProcessRoot().seesSameFile(self, dir.resolve("absent.cf"))).isFalse();
        Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Path chrooted = proc(dir.resolve("b"), 8, "mnt:[1]", rootfs);
        assertThat(new ProcessRoot(chrooted).seesSameFile(8, file)).as("another root").isFalse();
    }
}
