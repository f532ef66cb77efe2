package dev.port25.agent.inventory.linux;

import dev.port25.agent.inventory.Container;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Container identity from control groups and the runtimes' state. The cgroup lines are written by
 * hand from the formats the runtimes document (Docker and Podman with the cgroupfs and systemd
 * drivers, containerd and CRI-O under the kubelet, LXC 4+, systemd-nspawn), cgroup v1 and v2; the
 * Podman state was recorded from Podman 4.3.1 on Debian 12 ({@code podman create}); the Docker
 * {@code config.v2.json} is written by hand from moby's container config, fields the agent reads only.
 */
class ContainerIdentityTest {

    private static final String ID = "98306c39f93f3abc0f0ab575c5c976544f60c4569a563496d9f2c850a2a14329";

    private static Optional<ContainerIdentity.Match> cgroup(String text) {
        return ContainerIdentity.fromCgroup(text);
    }

    @Test
    void theRuntimeAndIdFromEachRuntimesControlGroupLayout() {
        assertThat(cgroup("0::/system.slice/docker-" + ID + ".scope\n"))
                .contains(new ContainerIdentity.Match("docker", ID));
        assertThat(cgroup("12:pids:/docker/" + ID + "\n1:name=systemd:/docker/" + ID + "\n"))
                .contains(new ContainerIdentity.Match("docker", ID));
        assertThat(cgroup("0::/machine.slice/libpod-" + ID + ".scope/container\n"))
                .contains(new ContainerIdentity.Match("podman", ID));
        assertThat(cgroup("0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + ID + ".scope\n"))
                .contains(new ContainerIdentity.Match("podman", ID));
        assertThat(cgroup("3:cpu:/libpod_parent/libpod-" + ID + "\n"))
                .contains(new ContainerIdentity.Match("podman", ID));
        assertThat(cgroup("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1f2e.slice/cri-containerd-"
                + ID + ".scope\n")).contains(new ContainerIdentity.Match("containerd", ID));
        assertThat(cgroup("0::/kubepods.slice/kubepods-pod1f2e.slice/crio-" + ID + ".scope\n"))
                .contains(new ContainerIdentity.Match("cri-o", ID));
        assertThat(cgroup("4:memory:/kubepods/burstable/pod1f2e3d4c-aaaa-bbbb-cccc-0123456789ab/" + ID + "\n"))
                .contains(new ContainerIdentity.Match("kubernetes", ID));
        assertThat(cgroup("0::/lxc.payload.web/system.slice/postfix.service\n"))
                .contains(new ContainerIdentity.Match("lxc", "web"));
        assertThat(cgroup("5:devices:/lxc/web\n")).contains(new ContainerIdentity.Match("lxc", "web"));
        assertThat(cgroup("0::/machine.slice/systemd-nspawn@mail\\x2dbox.service/payload/system.slice/exim4.service\n"))
                .contains(new ContainerIdentity.Match("systemd-nspawn", "mail-box"));
    }

    @Test
    void theLayoutsOfOtherDriversAndTools() {
        assertThat(cgroup("0::/machine.slice/libpod-payload-" + ID + "\n"))
                .as("podman --cgroups=split").contains(new ContainerIdentity.Match("podman", ID));
        assertThat(cgroup("0::/kubepods/besteffort/pod1f2e3d4c-aaaa-bbbb-cccc-0123456789ab/crio-" + ID + "\n"))
                .as("CRI-O with the cgroupfs driver").contains(new ContainerIdentity.Match("cri-o", ID));
        assertThat(cgroup("0::/system.slice/nerdctl-" + ID + ".scope\n"))
                .as("nerdctl, systemd driver").contains(new ContainerIdentity.Match("containerd", ID));
        assertThat(cgroup("0::/default/" + ID + "\n"))
                .as("containerd's namespace default, cgroupfs").contains(new ContainerIdentity.Match("containerd", ID));
        assertThat(cgroup("0::/machine.slice/machine-mail.scope/payload\n"))
                .as("nspawn registered without a unit").contains(new ContainerIdentity.Match("machine", "mail"));
    }

    @Test
    void hostProcessesAndConmonAreInNoContainer() {
        assertThat(cgroup("0::/system.slice/postfix.service\n")).isEmpty();
        assertThat(cgroup("0::/user.slice/user-0.slice/session-1.scope\n")).isEmpty();
        assertThat(cgroup("0::/machine.slice/libpod-conmon-" + ID + ".scope\n")).isEmpty();
        assertThat(cgroup("0::/\n")).isEmpty();
        assertThat(cgroup("")).isEmpty();
    }

    @Test
    void namesAndImagesFromTheRuntimesState(@TempDir Path root) throws Exception {
        Path proc = root.resolve("proc");
        Files.createDirectories(proc.resolve("10"));
        Files.writeString(proc.resolve("10/cgroup"), "0::/machine.slice/libpod-" + ID + ".scope/container\n");
        Path podman = Files.createDirectories(root.resolve("var/lib/containers/storage/overlay-containers"));
        try (InputStream in = getClass().getResourceAsStream("/containers/podman-4.3.1/containers.json")) {
            Files.copy(in, podman.resolve("containers.json"));
        }
        String dockerId = "4f6c1e8b2a3d4c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6";
        Files.createDirectories(proc.resolve("20"));
        Files.writeString(proc.resolve("20/cgroup"), "0::/system.slice/docker-" + dockerId + ".scope\n");
        Path docker = Files.createDirectories(root.resolve("var/lib/docker/containers/" + dockerId));
        Files.writeString(docker.resolve("config.v2.json"), "{\"ID\": \"" + dockerId + "\", \"Name\": \"/mail\", "
                + "\"Config\": {\"Image\": \"localhost/mini:latest\", \"ExposedPorts\": {\"25/tcp\": {}}}}");
        String unknownDocker = "0".repeat(64);
        Files.createDirectories(proc.resolve("30"));
        Files.writeString(proc.resolve("30/cgroup"), "0::/system.slice/docker-" + unknownDocker + ".scope\n");
        Files.createDirectories(proc.resolve("40"));
        Files.writeString(proc.resolve("40/cgroup"), "0::/system.slice/postfix.service\n");

        ContainerIdentity ids = new ContainerIdentity(proc, root);

        assertThat(ids.of(10)).contains(new Container("podman", ID, Optional.of("mail"),
                Optional.of("localhost/mini:latest")));
        assertThat(ids.of(20)).contains(new Container("docker", dockerId, Optional.of("mail"),
                Optional.of("localhost/mini:latest")));
        assertThat(ids.of(30)).contains(new Container("docker", unknownDocker, Optional.empty(), Optional.empty()));
        assertThat(ids.of(40)).isEmpty();
        assertThat(ids.of(50)).as("a process that exited").isEmpty();
        assertThat(ids.of(20).get().describe()).isEqualTo("docker mail (4f6c1e8b2a3d, image localhost/mini:latest)");
        assertThat(ids.of(30).get().describe()).isEqualTo("docker 000000000000");
    }
}
