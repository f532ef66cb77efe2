package dev.port25.agent.testing;

import dev.port25.firewall.exec.BackgroundProcess;
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

/**
 * A real dockerd (Debian's docker.io 20.10) in a network namespace a test owns, entered with
 * {@code nsenter --net=}: its bridge, its containers and its iptables rules (both families: IPv6
 * with {@code --ip6tables}, experimental in 20.10) stay in that namespace, and everything it keeps
 * (data root, exec root with the containers' netns mounts, its socket, the containerd it starts)
 * in a folder of its own. The image is imported from busybox-static alone: no registry is
 * reachable. Stopped by its pid, which is how a restart of the engine is made too.
 */
public final class DockerLab extends ContainerEngine {

    public static final String IMAGE = "p25-mini:latest";

    private static final CommandRunner RUNNER = new CommandRunner();

    private final Netns host;
    private final Path dir;
    private final boolean userlandProxy;
    private BackgroundProcess dockerd;

    private DockerLab(Netns host, Path dir, boolean userlandProxy) {
        this.host = host;
        this.dir = dir;
        this.userlandProxy = userlandProxy;
    }

    /**
     * dockerd for {@code host}'s namespace, its bridge on 198.19.29.0/24 and fd00:29::/64, with
     * the busybox image imported.
     *
     * @param userlandProxy whether docker-proxy holds each published port on the host (dockerd's default)
     */
    public static DockerLab start(Netns host, boolean userlandProxy) throws Exception {
        DockerLab lab = new DockerLab(host, Files.createTempDirectory("p25-docker-"), userlandProxy);
        try {
            lab.startDaemon();
            Path rootfs = Files.createDirectories(lab.dir.resolve("rootfs/bin"));
            Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
            Path tar = lab.dir.resolve("rootfs.tar");
            check(RUNNER.run("tar", "-C", lab.dir.resolve("rootfs").toString(), "-cf", tar.toString(), "."));
            lab.ok("import", tar.toString(), IMAGE);
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void startDaemon() throws Exception {
        dockerd = RUNNER.spawn(Command.of(List.of("nsenter", "--net=/run/netns/" + host.name(), "--", "dockerd",
                "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("dockerd.pid").toString(), "--host", socket(), "--storage-driver", "vfs",
                "--bip", "198.19.29.1/24", "--ipv6", "--fixed-cidr-v6", "fd00:29::/64", "--experimental",
                "--ip6tables", "--userland-proxy=" + userlandProxy)));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (run("version").ok()) {
                return;
            }
            if (!dockerd.isAlive()) {
                throw new IllegalStateException("dockerd ended: " + dockerd.stderrIfEnded());
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("dockerd did not answer within 60 s");
    }

    /** What a restart of the engine does: dockerd stopped (its pid), then started again. */
    public void restart() throws Exception {
        dockerd.stop();
        startDaemon();
    }

    private String socket() {
        return "unix://" + dir.resolve("docker.sock");
    }

    /** Runs {@code docker ARGS} against this dockerd; its result, whatever the exit code. */
    @Override
    public CommandResult run(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("docker", "--host", socket()));
        argv.addAll(List.of(args));
        return RUNNER.run(Command.of(argv).withTimeout(Duration.ofSeconds(120)));
    }

    /** Every container removed, dockerd stopped (by its pid), the folder deleted. */
    @Override
    public void close() throws Exception {
        try {
            if (dockerd != null && dockerd.isAlive()) {
                String ids = run("ps", "--all", "--quiet").stdout().strip();
                if (!ids.isEmpty()) {
                    List<String> rm = new ArrayList<>(List.of("rm", "--force"));
                    rm.addAll(List.of(ids.split("\\s+")));
                    run(rm.toArray(String[]::new));
                }
                dockerd.stop();
            }
        } finally {
            Trees.delete(dir);
        }
    }
}
