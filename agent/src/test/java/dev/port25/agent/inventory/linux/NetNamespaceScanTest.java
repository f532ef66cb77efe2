package dev.port25.agent.inventory.linux;

import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.inventory.NetNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The namespace scan over a /proc-shaped tree of {@code ns/net} links, laid out as Linux does
 * ({@code net:[inode]}); bind mounts need nsfs and are covered by NetworkNamespacesIT.
 */
class NetNamespaceScanTest {

    private static void process(Path proc, String pid, long netns) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(pid + "/ns"));
        Files.createSymbolicLink(dir.resolve("net"), Path.of("net:[" + netns + "]"));
    }

    @Test
    void oneNamespacePerInodeTheAgentsOwnFirstThenTheOthersByName(@TempDir Path root) throws Exception {
        Path proc = root.resolve("proc");
        process(proc, "self", 4026531840L);
        process(proc, "1", 4026531840L);
        process(proc, "77", 4026531840L);
        process(proc, "4242", 4026532290L); // a container's init and its worker share one namespace
        process(proc, "4300", 4026532290L);
        process(proc, "901", 4026532400L);
        Files.createDirectories(proc.resolve("2/ns")); // a kernel thread's process dir without the link
        Files.createDirectories(proc.resolve("sys/net"));

        NetNamespaceScan.Result r = new NetNamespaceScan(proc, root.resolve("run")).scan();

        assertThat(r.namespaces()).containsExactly(
                new NetNamespace("host", OptionalLong.of(4026531840L), List.of(), List.of(1L, 77L)),
                new NetNamespace("pid/4242", OptionalLong.of(4026532290L), List.of(), List.of(4242L, 4300L)),
                new NetNamespace("pid/901", OptionalLong.of(4026532400L), List.of(), List.of(901L)));
        assertThat(r.gaps()).isEmpty();
        assertThat(NetNamespaceScan.entry(r.namespaces().get(1), proc)).contains(proc.resolve("4242/ns/net"));
        // 4242 exits and its pid is reused in another namespace: the next process is the way in
        Files.delete(proc.resolve("4242/ns/net"));
        process(proc, "4242", 4026532999L);
        assertThat(NetNamespaceScan.entry(r.namespaces().get(1), proc)).contains(proc.resolve("4300/ns/net"));
        // and when the last one is gone, so is the namespace
        Files.delete(proc.resolve("4300/ns/net"));
        assertThat(NetNamespaceScan.entry(r.namespaces().get(1), proc)).isEmpty();
    }

    @Test
    void withoutItsOwnNamespaceTheScanFailsAndSaysWhere(@TempDir Path proc) {
        assertThatThrownBy(() -> new NetNamespaceScan(proc, proc.resolve("run")).scan())
                .isInstanceOf(InventoryException.class).hasMessageContaining("self/ns/net");
    }

    @Test
    void linksAreReadAsTheKernelWritesThem() {
        assertThat(NetNamespaceScan.inode("net:[4026531840]")).isEqualTo(4026531840L);
        assertThatThrownBy(() -> NetNamespaceScan.inode("mnt:[4026531841]")).isInstanceOf(IllegalArgumentException.class);
    }
}
