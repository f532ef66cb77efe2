package dev.port25.agent.testing;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Trees;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real Podman (Debian's 4.3, netavark for the network) run in a network namespace a test owns,
 * entered with {@code nsenter --net=} (not {@code ip netns exec}, which remounts /sys and hides
 * this VM's cgroup mounts from the runtime), with everything it keeps in a folder of its own:
 * storage ({@code --root}, {@code --runroot}, the vfs driver), its networks' configuration and
 * {@code containers.conf}. The runtime is runc: crun refuses this VM's hybrid cgroup layout
 * ("cgroups in hybrid mode not supported"); the default ulimits are off (the sandbox's root may
 * not raise RLIMIT_NPROC). The image is imported from a root file system of busybox-static alone:
 * no registry is reachable.
 */
public final class PodmanLab extends ContainerEngine {

    public static final String IMAGE = "localhost/p25-mini:latest";

    private static final CommandRunner RUNNER = new CommandRunner();

    private final Netns host;
    private final Path dir;

    private PodmanLab(Netns host, Path dir) {
        this.host = host;
        this.dir = dir;
    }

    /** A Podman for {@code host}'s namespace, with the busybox image imported. */
    public static PodmanLab start(Netns host) throws Exception {
        Path dir = Files.createTempDirectory("p25-podman-");
        PodmanLab lab = new PodmanLab(host, dir);
        try {
            Files.createDirectories(dir.resolve("networks"));
            Files.writeString(dir.resolve("containers.conf"), """
                    [containers]
                    default_ulimits = []
                    pids_limit = 0
                    [network]
                    network_config_dir = "%s"
                    [engine]
                    cgroup_manager = "cgroupfs"
                    events_logger = "file"
                    """.formatted(dir.resolve("networks")));
            Path rootfs = Files.createDirectories(dir.resolve("rootfs/bin"));
            Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
            check(RUNNER.run("tar", "-C", dir.resolve("rootfs").toString(), "-cf", dir.resolve("rootfs.tar").toString(),
                    "."));
            lab.ok("import", dir.resolve("rootfs.tar").toString(), IMAGE);
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /** Runs {@code podman ARGS} in the host namespace; its result, whatever the exit code. */
    @Override
    public CommandResult run(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + host.name(), "--", "podman",
                "--root", dir.resolve("root").toString(), "--runroot", dir.resolve("run").toString(),
                "--storage-driver", "vfs", "--runtime", "runc"));
        argv.addAll(List.of(args));
        return RUNNER.run(new Command(argv, Duration.ofSeconds(120),
                Map.of("CONTAINERS_CONF", dir.resolve("containers.conf").toString()), new byte[0]));
    }

    /** Every container removed at once, the networks too, then the folder. */
    @Override
    public void close() throws Exception {
        try {
            run("rm", "--force", "--time", "0", "--all");
            for (String network : run("network", "ls", "--format", "{{.Name}}").stdout().split("\n")) {
                if (!network.isBlank() && !network.equals("podman")) {
                    run("network", "rm", "--force", network);
                }
            }
        } finally {
            Trees.delete(dir);
        }
    }
}
