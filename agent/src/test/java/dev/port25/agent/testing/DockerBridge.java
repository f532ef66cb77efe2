package dev.port25.agent.testing;

import dev.port25.firewall.testing.DockerRules;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.PacketLab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A container as Docker's default bridge makes one, in namespaces a test owns: the bridge
 * docker0 in the host namespace (198.19.0.1/24, fd00:19::1/64), the container's eth0
 * (198.19.0.2/24, fd00:19::2/64) on it, and Docker's rules for both families ({@link DockerRules}).
 */
public final class DockerBridge {

    private DockerBridge() {
    }

    /** A bridge docker0 in the host (198.19.0.1/24, fd00:19::1/64) and the container's eth0 on it. */
    public static void bridge(Netns host, Netns container) throws Exception {
        host.ok("ip", "link", "add", "vethc", "type", "veth", "peer", "name", "eth0", "netns", container.name());
        // without multicast snooping: a neighbour solicitation sent before the bridge saw the
        // container's MLD report would not reach it (the host's neighbour entry stays INCOMPLETE)
        host.ok("ip", "link", "add", "docker0", "type", "bridge", "mcast_snooping", "0");
        host.ok("ip", "link", "set", "vethc", "master", "docker0");
        host.ok("ip", "addr", "add", "198.19.0.1/24", "dev", "docker0");
        host.ok("ip", "-6", "addr", "add", "fd00:19::1/64", "dev", "docker0", "nodad");
        host.ok("ip", "link", "set", "docker0", "up");
        host.ok("ip", "link", "set", "vethc", "up");
        host.ok("sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        container.ok("ip", "addr", "add", "198.19.0.2/24", "dev", "eth0");
        container.ok("ip", "-6", "addr", "add", "fd00:19::2/64", "dev", "eth0", "nodad");
        container.ok("ip", "link", "set", "eth0", "up");
        container.ok("ip", "route", "add", "default", "via", "198.19.0.1");
        container.ok("ip", "-6", "route", "add", "default", "via", "fd00:19::1");
        neighbour(host, "fd00:19::2", "docker0");
    }

    /**
     * Waits until {@code ns} has resolved {@code address}'s link address on {@code dev}, prodding
     * it with a datagram each time: a first neighbour solicitation sent while the bridge port
     * comes up can be lost, and a connection then times out (seen here about one run in three).
     */
    private static void neighbour(Netns ns, String address, String dev) throws Exception {
        String prod = "import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).sendto(b'x', ('" + address
                + "', 9))";
        for (int i = 0; i < 20; i++) {
            ns.run(List.of(PacketLab.PYTHON, "-c", prod), Duration.ofSeconds(5));
            Thread.sleep(250);
            if (ns.ok("ip", "-6", "neigh", "show", address, "dev", dev).stdout().contains("lladdr")) {
                return;
            }
        }
        throw new AssertionError(address + " is not resolved on " + dev + ": " + ns.ok("ip", "-6", "neigh").stdout());
    }

    /** Docker's rules for both families, publishing {@code hostPort} to the container's 25, replacing any before. */
    public static void docker(Netns host, int hostPort, String dockerUser) throws Exception {
        restore(host, "iptables-nft-restore", DockerRules.save("docker0", "198.19.0.0/24", "198.19.0.2", hostPort, 25,
                dockerUser));
        restore(host, "ip6tables-nft-restore", DockerRules.save("docker0", "fd00:19::/64", "fd00:19::2", hostPort, 25,
                dockerUser));
    }

    /**
     * What dockerd does to its rules when it restarts, both families: it rewrites its own DOCKER
     * chains (nat and filter), publishing {@code hostPort} to the container's 25 now, and leaves
     * DOCKER-USER, the built-in chains and everything else as they are.
     */
    public static void restart(Netns host, int hostPort) throws Exception {
        restoreNoFlush(host, "iptables-nft-restore", DockerRules.save("docker0", "198.19.0.0/24", "198.19.0.2",
                hostPort, 25, ""));
        restoreNoFlush(host, "ip6tables-nft-restore", DockerRules.save("docker0", "fd00:19::/64", "fd00:19::2",
                hostPort, 25, ""));
    }

    private static void restoreNoFlush(Netns host, String tool, String rules) throws Exception {
        StringBuilder own = new StringBuilder();
        for (String line : rules.split("\n")) {
            if (line.startsWith("*") || line.equals("COMMIT") || line.startsWith(":DOCKER ")
                    || line.startsWith("-A DOCKER ")) {
                own.append(line).append('\n');
            }
        }
        restore(host, tool + " --noflush", own.toString());
    }

    private static void restore(Netns host, String tool, String rules) throws Exception {
        Path file = Files.createTempFile("p25-docker-", ".rules");
        try {
            Files.writeString(file, rules);
            List<String> argv = new ArrayList<>(List.of(tool.split(" ")));
            argv.add(file.toString());
            host.ok(argv.toArray(String[]::new));
        } finally {
            Files.delete(file);
        }
    }

}
