package dev.port25.agent.facts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.agent.testing.AgentJar;
import dev.port25.agent.testing.DaemonOutput;
import dev.port25.agent.testing.DockerBridge;
import dev.port25.agent.testing.DockerLab;
import dev.port25.agent.testing.FindingsJson;
import dev.port25.agent.testing.PodmanLab;
import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.firewalld.FirewalldLab;
import dev.port25.firewall.iptables.IptablesLab;
import dev.port25.firewall.testing.DockerRules;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.PacketLab;
import dev.port25.firewall.testing.Prerequisites;
import dev.port25.firewall.testing.Trees;
import dev.port25.firewall.ufw.UfwLab;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ways in to a container's listener, judged by the agent run in a lab host namespace and
 * checked with real connections from a peer: a container behind the host's bridge published by
 * Docker's rules (as dockerd 24 writes them for IPv4 and IPv6, {@link DockerRules}; Debian's dockerd
 * 20.10 runs in the cases further down), then dropped in DOCKER-USER, then published on
 * another host port, then not published; and a namespace with a macvlan on the host's own
 * network. {@code enforce} (nftables and firewalld: the agent's own forward chain; iptables and
 * ufw: a chain jumped to from DOCKER-USER) closes the published port, also after dockerd rewrites
 * its chains, after ufw or firewalld reloads, and for another host port; as a RELAY it lets in its
 * allowFrom networks only; {@code undo} leaves Docker's rules to the byte. The role is NONE (no role
 * rules) but where RELAY is said.
 */
@Tag("netns")
class ContainerExposureIT {

    private static final String HOST4 = "198.18.26.1";
    private static final String HOST6 = "fd00:26::1";
    private static final String MACVLAN4 = "198.18.26.5";

    @Test
    void aContainersListenerIsReachableExactlyWhereTheAgentSaysAndNamedThere() throws Exception {
        Prerequisites.require("ip", "nft", "iptables-nft-restore", "ip6tables-nft-restore", "sysctl", PacketLab.PYTHON,
                "ufw", "firewalld", "firewall-cmd", "dbus-daemon");
        try (AgentJar jar = AgentJar.copy(); Netns host = Netns.create("cxh"); Netns peer = Netns.create("cxp");
             Netns container = Netns.create("cxc"); Netns macvlan = Netns.create("cxm")) {
            IptablesLab.useVariant(host, "nft"); // dockerd writes through iptables-nft; so does the agent
            Netns.link(host, HOST4 + "/24", HOST6 + "/64", peer, "198.18.26.2/24", "fd00:26::2/64");
            DockerBridge.bridge(host, container);
            host.ok("ip", "link", "add", "mv0", "link", "p25a", "type", "macvlan", "mode", "bridge");
            host.ok("ip", "link", "set", "mv0", "netns", macvlan.name());
            macvlan.ok("ip", "addr", "add", MACVLAN4 + "/24", "dev", "mv0");
            macvlan.ok("ip", "link", "set", "mv0", "up");
            listen(container);
            listen(macvlan);
            String inContainer = "in network namespace netns/" + container.name();
            String inMacvlan = "in network namespace netns/" + macvlan.name();

            // published on 25, both families: the peer reaches the container through the host
            DockerBridge.docker(host, 25, "-A DOCKER-USER -j RETURN");
            assertThat(probe(peer, HOST4, 25)).isEqualTo("open");
            assertThat(probe(peer, HOST6, 25)).isEqualTo("open");
            assertThat(probe(peer, MACVLAN4, 25)).isEqualTo("open");
            JsonNode open = status(jar, host);
            assertThat(open.get("verdict").asText()).isEqualTo("CRITICAL");
            // one finding per socket: 0.0.0.0:25 and [::]:25 (v6only)
            assertThat(FindingsJson.evidence(open, "P25-001", "CRITICAL")).anyMatch(e -> e.startsWith("tcp 0.0.0.0:25 (python3) "
                    + inContainer) && e.endsWith("is reachable: published on this host's port 25 (to 198.19.0.2:25): "
                    + "ipv4 OPEN")).anyMatch(e -> e.startsWith("tcp [::]:25 (python3) " + inContainer)
                    && e.endsWith("published on this host's port 25 (to [fd00:19::2]:25): ipv6 OPEN"))
                    .anyMatch(e -> e.startsWith("tcp 0.0.0.0:25 (python3) " + inMacvlan)
                            && e.endsWith("through mv0 (macvlan on the host's p25a): ipv4 OPEN"));
            JsonNode reach = namespace(open, "netns/" + container.name()).get("reach");
            assertThat(reach.get("viaHost").toString()).isEqualTo("[\"eth0\"]");
            assertThat(reach.get("published")).hasSize(2);
            assertThat(FindingsJson.evidence(open, "P25-013", "HIGH")).noneMatch(e -> e.contains(inContainer) || e.contains(inMacvlan));

            // enforce: the published port is closed on both families, where Docker's rules would let
            // it through, and stays closed when dockerd restarts and rewrites its chains, and for
            // another host port leading to the container's 25; undo leaves Docker's rules as they were
            for (String backend : List.of("nftables", "iptables", "ufw", "firewalld")) {
                enforceClosesThePublishedPort(jar, host, peer, backend, inContainer, inMacvlan);
            }

            // DOCKER-USER drops 25: the peer gets nowhere, and the agent says it is blocked, naming the rule
            host.ok("iptables-nft", "-w", "-I", "DOCKER-USER", "-p", "tcp", "--dport", "25", "-j", "DROP");
            host.ok("ip6tables-nft", "-w", "-I", "DOCKER-USER", "-p", "tcp", "--dport", "25", "-j", "DROP");
            assertThat(probe(peer, HOST4, 25)).isEqualTo("timeout");
            assertThat(probe(peer, HOST6, 25)).isEqualTo("timeout");
            JsonNode dropped = status(jar, host);
            assertThat(FindingsJson.evidence(dropped, "P25-001", "MEDIUM")).anyMatch(e -> e.startsWith("tcp 0.0.0.0:25 (python3) "
                    + inContainer) && e.contains("blocks each") && e.endsWith("ipv4 CLOSED"))
                    .anyMatch(e -> e.startsWith("tcp [::]:25 (python3) " + inContainer) && e.endsWith("ipv6 CLOSED"));
            assertThat(FindingsJson.evidence(dropped, "P25-001", "CRITICAL")).noneMatch(e -> e.contains(inContainer));
            assertThat(namespace(dropped, "netns/" + container.name()).at("/reach/published/0/decidedBy").toString())
                    .contains("DOCKER-USER -p tcp -m tcp --dport 25 -j DROP");

            // published on 2525 instead (-p 2525:25): found there; the host's own 25 leads nowhere
            DockerBridge.docker(host, 2525, "-A DOCKER-USER -j RETURN");
            assertThat(probe(peer, HOST4, 2525)).isEqualTo("open");
            assertThat(probe(peer, HOST4, 25)).isEqualTo("refused");
            JsonNode moved = status(jar, host);
            assertThat(FindingsJson.evidence(moved, "P25-001", "CRITICAL")).anyMatch(e -> e.contains(inContainer)
                    && e.contains("published on this host's port 2525 (to 198.19.0.2:25): ipv4 OPEN"))
                    .noneMatch(e -> e.contains("host's port 25 "));

            // not published: nothing outside reaches it, and that is noted, not an alarm
            host.ok("iptables-nft", "-w", "-t", "nat", "-F", "DOCKER");
            host.ok("ip6tables-nft", "-w", "-t", "nat", "-F", "DOCKER");
            assertThat(probe(peer, HOST4, 2525)).isEqualTo("refused");
            JsonNode unpublished = status(jar, host);
            assertThat(FindingsJson.evidence(unpublished, "P25-014", "LOW")).anyMatch(e -> e.contains(inContainer)
                    && e.contains("[eth0] lead only to this host") && e.contains("no DNAT"));
            assertThat(FindingsJson.evidence(unpublished, "P25-001", "CRITICAL")).noneMatch(e -> e.contains(inContainer));
        }
    }

    /** 0.0.0.0:25 and [::]:25 (v6only) that greet every connection. */
    private static void listen(Netns ns) throws Exception {
        BackgroundProcess p = ns.spawn(ns.inside(List.of(PacketLab.PYTHON, "-c", PacketLab.listenScript(),
                PacketLab.Listener.PER_FAMILY.name())));
        assertThat(p.readLine(Duration.ofSeconds(10))).as(p.stderrIfEnded()).contains("READY");
    }

    private static String probe(Netns peer, String address, int port) throws Exception {
        CommandResult r = peer.run(List.of(PacketLab.PYTHON, "-c", PacketLab.probeScript(), address,
                String.valueOf(port)), Duration.ofSeconds(10));
        assertThat(r.ok()).as(r.describe()).isTrue();
        return r.stdout().strip();
    }

    /**
     * The same with a real container engine: Podman 4 and netavark write their own rules for a
     * container published on 25, both families; enforce closes it, undo opens it and leaves
     * netavark's rules to the byte; enforced again, a restart of the container (netavark tears
     * its rules down and writes them again) keeps it closed.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nftables", "iptables"})
    void aPodmanContainerPublishedOn25IsNamedClosedByEnforceAndUndoneToTheByte(String backend) throws Exception {
        Prerequisites.require("ip", "nft", "nsenter", "podman", "runc", "tar", "/bin/busybox", PacketLab.PYTHON);
        try (AgentJar jar = AgentJar.copy(); Netns host = Netns.create("pdh"); Netns peer = Netns.create("pdp")) {
            IptablesLab.useVariant(host, "nft");
            Netns.link(host, HOST4 + "/24", HOST6 + "/64", peer, "198.18.26.2/24", "fd00:26::2/64");
            try (PodmanLab podman = PodmanLab.start(host)) {
                podman.ok("network", "create", "--subnet", "198.19.28.0/24", "--subnet", "fd00:28:1::/64", "p25");
                String id = podman.ok("run", "--detach", "--name", "mail", "--network", "p25", "--publish", "25:25",
                        PodmanLab.IMAGE, "/bin/busybox", "nc", "-ll", "-p", "25", "-e", "/bin/busybox", "echo", "220");
                assertThat(probeUntilOpen(peer, HOST4)).isEqualTo("open");
                assertThat(probeUntilOpen(peer, HOST6)).isEqualTo("open");
                String inContainer = "[podman " + id.substring(0, 12);
                JsonNode open = status(jar, host);
                assertThat(FindingsJson.evidence(open, "P25-001", "CRITICAL")).anyMatch(e -> e.contains(inContainer)
                        && e.contains("published on this host's port 25 (to 198.19.28.") && e.contains("ipv4 OPEN"))
                        .anyMatch(e -> e.contains(inContainer)
                                && e.contains("published on this host's port 25 (to [fd00:28:1::") && e.contains("ipv6 OPEN"));

                String before = dockerRules(host);
                Path state = Files.createTempDirectory("p25-pd-state-");
                Path settings = state.resolve("agent.yml");
                Files.writeString(settings, "firewall:\n  backend: " + backend + "\n");
                List<String> enforce = List.of("enforce", "--config", settings.toString(), "--state-dir",
                        state.resolve("state").toString());
                List<String> undo = List.of("undo", "--state-dir", state.resolve("state").toString());
                try {
                    CommandResult enforced = agent(jar, host, enforce.toArray(String[]::new));
                    assertThat(enforced.exitCode()).as(enforced.describe() + "\n" + enforced.stdout()).isZero();
                    assertThat(probe(peer, HOST4, 25)).isEqualTo("timeout");
                    assertThat(probe(peer, HOST6, 25)).isEqualTo("timeout");
                    JsonNode closed = status(jar, host, settings.toString());
                    assertThat(FindingsJson.evidence(closed, "P25-001", "CRITICAL")).noneMatch(e -> e.contains(inContainer));
                    CommandResult undone = agent(jar, host, undo.toArray(String[]::new));
                    assertThat(undone.exitCode()).as(undone.describe()).isZero();
                    assertThat(probeUntilOpen(peer, HOST4)).isEqualTo("open");
                    assertThat(probeUntilOpen(peer, HOST6)).isEqualTo("open");
                    assertThat(dockerRules(host)).as("netavark's rules as before").isEqualTo(before);
                    assertThat(host.ok("nft", "list", "tables").stdout()).doesNotContain("port25_agent");
                    assertThat(host.ok("iptables-nft-save").stdout() + host.ok("ip6tables-nft-save").stdout())
                            .doesNotContain("PORT25-AGENT");

                    // enforced again, the container restarts: netavark tears its rules down and writes
                    // them again (to the container's new address); the port stays closed
                    assertThat(agent(jar, host, enforce.toArray(String[]::new)).exitCode()).isZero();
                    podman.ok("restart", "--time", "0", "mail");
                    assertThat(host.ok("iptables-nft-save", "-t", "nat").stdout()).as("netavark's rules again")
                            .contains("-j DNAT --to-destination 198.19.28.");
                    assertThat(probe(peer, HOST4, 25)).as("after the restart").isEqualTo("timeout");
                    assertThat(probe(peer, HOST6, 25)).as("after the restart").isEqualTo("timeout");
                    assertThat(agent(jar, host, undo.toArray(String[]::new)).exitCode()).isZero();
                    assertThat(probeUntilOpen(peer, HOST4)).isEqualTo("open");
                } finally {
                    Trees.delete(state);
                }
            }
        }
    }

    /**
     * The same with a real dockerd (20.10, both families), published on 25 and, for a second
     * container, on 2525 to its 25: with the userland proxy (docker-proxy holds the host's ports as
     * well as the DNAT) and without. Enforce closes both, undo opens them and leaves dockerd's rules
     * to the byte; enforced again by the daemon, a restart of dockerd (which rewrites its rules and
     * starts the containers again) finds them closed. dockerd 20.10 makes no IPv6 DOCKER-USER: there
     * the iptables backend closes IPv6's published ports from the top of FORWARD, which dockerd's
     * restart inserts its own rules above; the daemon's watch sees the listeners come back and moves
     * the jump to the top again before the peer is tried.
     */
    @ParameterizedTest(name = "{0}, userland proxy {1}")
    @CsvSource({"iptables, false", "nftables, true"})
    void aDockerContainerPublishedOn25IsNamedClosedByEnforceAndUndoneToTheByte(String backend, boolean proxy)
            throws Exception {
        Prerequisites.require("ip", "nft", "nsenter", "dockerd", "docker", "tar", "/bin/busybox", PacketLab.PYTHON);
        try (AgentJar jar = AgentJar.copy(); Netns host = Netns.create("dkh"); Netns peer = Netns.create("dkp")) {
            IptablesLab.useVariant(host, "nft");
            Netns.link(host, HOST4 + "/24", HOST6 + "/64", peer, "198.18.26.2/24", "fd00:26::2/64");
            try (DockerLab docker = DockerLab.start(host, proxy)) {
                String mail = docker.ok("run", "--detach", "--name", "mail", "--restart", "always", "--stop-signal",
                        "KILL", "--publish", "25:25", DockerLab.IMAGE, "/bin/busybox", "nc", "-ll", "-p", "25", "-e",
                        "/bin/busybox", "echo", "220");
                docker.ok("run", "--detach", "--name", "alt", "--restart", "always", "--stop-signal", "KILL",
                        "--publish", "2525:25", DockerLab.IMAGE, "/bin/busybox", "nc", "-ll", "-p", "25", "-e",
                        "/bin/busybox", "echo", "220");
                for (String address : List.of(HOST4, HOST6)) {
                    assertThat(probeUntilOpen(peer, address, 25)).as(address).isEqualTo("open");
                    assertThat(probeUntilOpen(peer, address, 2525)).as(address).isEqualTo("open");
                }
                String inMail = "[docker " + mail.substring(0, 12);
                JsonNode open = status(jar, host);
                assertThat(FindingsJson.evidence(open, "P25-001", "CRITICAL")).anyMatch(e -> e.contains(inMail)
                        && e.contains("published on this host's port 25 (to 198.19.29.") && e.contains("ipv4 OPEN"))
                        .anyMatch(e -> e.contains("published on this host's port 2525 (to 198.19.29."));
                if (proxy) {
                    // docker-proxy holds the host's port for the container, and is named after it
                    assertThat(FindingsJson.evidence(open, "P25-001", "CRITICAL")).anyMatch(e -> e.startsWith(
                            "tcp 0.0.0.0:25 (docker-proxy) (the port this host publishes to " + inMail));
                }

                String before = dockerRules(host);
                Path state = Files.createTempDirectory("p25-dk-state-");
                Path settings = state.resolve("agent.yml");
                Files.writeString(settings, "firewall:\n  backend: " + backend + "\n");
                String[] enforce = {"enforce", "--config", settings.toString(), "--state-dir",
                        state.resolve("state").toString()};
                String[] undo = {"undo", "--state-dir", state.resolve("state").toString()};
                // dockerd 20.10 makes DOCKER-USER for IPv4 only: IPv6's published ports are closed
                // from the top of FORWARD
                if (backend.equals("iptables")) {
                    assertThat(host.ok("ip6tables-nft-save", "-t", "filter").stdout()).doesNotContain(":DOCKER-USER");
                }
                try {
                    CommandResult enforced = agent(jar, host, enforce);
                    assertThat(enforced.exitCode()).as(enforced.describe() + "\n" + enforced.stdout()).isZero();
                    if (backend.equals("iptables")) {
                        assertThat(host.ok("ip6tables-nft-save", "-t", "filter").stdout())
                                .contains("-A FORWARD -m comment --comment port25-agent -j PORT25-AGENT-PUB");
                    }
                    for (String address : List.of(HOST4, HOST6)) {
                        assertThat(probe(peer, address, 25)).as(address).isEqualTo("timeout");
                        assertThat(probe(peer, address, 2525)).as(address).isEqualTo("timeout");
                    }
                    JsonNode closed = status(jar, host, settings.toString());
                    assertThat(FindingsJson.evidence(closed, "P25-001", "CRITICAL")).noneMatch(e -> e.contains("[docker "));
                    CommandResult undone = agent(jar, host, undo);
                    assertThat(undone.exitCode()).as(undone.describe()).isZero();
                    assertThat(probeUntilOpen(peer, HOST4, 25)).isEqualTo("open");
                    assertThat(probeUntilOpen(peer, HOST6, 2525)).isEqualTo("open");
                    assertThat(dockerRules(host)).as("dockerd's rules as before").isEqualTo(before);

                    // enforced again, by the daemon; dockerd restarts: it rewrites its rules and starts
                    // the containers again
                    Files.writeString(settings, "mode: enforce\nfirewall:\n  backend: " + backend + "\n");
                    List<String> run = new ArrayList<>(host.inside(List.of()));
                    run.addAll(jar.argv("run", "--config", settings.toString(), "--state-dir",
                            state.resolve("state").toString()));
                    BackgroundProcess daemon = host.spawn(run);
                    try {
                        DaemonOutput.await(daemon, l -> l.contains("now holds 25 inbound CLOSED"), Duration.ofSeconds(90));
                        docker.restart();
                        if (backend.equals("iptables")) {
                            // dockerd 20.10 inserts its IPv6 FORWARD rules again at the top, above the
                            // agent's jump: the daemon's watch sees the new listeners (dockerd's own on the
                            // host ports, then the containers') and moves the jump back to the top (a
                            // convergence is logged only when it changed something)
                            DaemonOutput.await(daemon, l -> l.contains(" new listener ")
                                    && l.contains(": iptables now holds 25 inbound CLOSED"), Duration.ofSeconds(60));
                        }
                        awaitRunning(docker, "mail", "alt");
                        assertThat(host.ok("iptables-nft-save", "-t", "nat").stdout()).as("dockerd's rules again")
                                .contains("--dport 2525 -j DNAT");
                        for (String address : List.of(HOST4, HOST6)) {
                            assertThat(probe(peer, address, 25)).as(address + " after the restart").isEqualTo("timeout");
                            assertThat(probe(peer, address, 2525)).as(address + " after the restart").isEqualTo("timeout");
                        }
                    } finally {
                        daemon.stop();
                    }
                    assertThat(agent(jar, host, undo).exitCode()).isZero();
                    assertThat(probeUntilOpen(peer, HOST4, 25)).isEqualTo("open");
                } finally {
                    Trees.delete(state);
                }
            }
        }
    }

    private static void awaitRunning(DockerLab docker, String... names) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> running = List.of(docker.ok("ps", "--format", "{{.Names}}").split("\n"));
            if (running.containsAll(List.of(names))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not running again after dockerd's restart: " + List.of(names));
    }

    /**
     * A probe of port 25 that expects it open, tried up to three times: the first connection to a
     * bridge the engine has just made can lose its neighbour solicitation.
     */
    private static String probeUntilOpen(Netns peer, String address) throws Exception {
        return probeUntilOpen(peer, address, 25);
    }

    private static String probeUntilOpen(Netns peer, String address, int port) throws Exception {
        String met = "";
        for (int i = 0; i < 3 && !met.equals("open"); i++) {
            met = probe(peer, address, port);
        }
        return met;
    }

    /**
     * {@code enforce} with {@code backend} closes the published port on both families, also after
     * dockerd rewrites its chains and for {@code -p 2525:25}; on ufw and firewalld hosts also after
     * the manager reloads its own rules; {@code undo} leaves Docker's rules to the byte. ufw is
     * enabled (accepting by default) and firewalld started for their case, and stopped after it.
     */
    private static void enforceClosesThePublishedPort(AgentJar jar, Netns host, Netns peer, String backend,
                                                      String inContainer, String inMacvlan) throws Exception {
        FirewalldLab firewalld = null;
        List<String> env = List.of();
        if (backend.equals("ufw")) {
            UfwLab.ownUfwConfig(host);
        } else if (backend.equals("firewalld")) {
            firewalld = FirewalldLab.start(host);
            env = List.of("env", firewalld.busAddress());
            // firewalld (1.3.3, nftables backend) flushes every iptables table when it starts and
            // reloads; dockerd writes its rules again when firewalld says so on D-Bus, as here
            DockerBridge.docker(host, 25, "-A DOCKER-USER -j RETURN");
        }
        String dockerBefore = dockerRules(host);
        Path state = Files.createTempDirectory("p25-cx-state-");
        Path settings = state.resolve("agent.yml");
        Files.writeString(settings, "firewall:\n  backend: " + backend + "\n");
        try {
            assertThat(probe(peer, HOST4, 25)).as(backend + ", before").isEqualTo("open");
            CommandResult enforce = agent(jar, host, env, "enforce", "--config", settings.toString(), "--state-dir",
                    state.resolve("state").toString());
            assertThat(enforce.exitCode()).as(enforce.describe()).isZero();
            assertThat(enforce.stdout()).as(backend).contains("verified by re-reading");
            assertThat(probe(peer, HOST4, 25)).as(backend).isEqualTo("timeout");
            assertThat(probe(peer, HOST6, 25)).as(backend).isEqualTo("timeout");
            JsonNode closed = status(jar, host, env, settings.toString());
            assertThat(FindingsJson.evidence(closed, "P25-001", "CRITICAL")).as(backend).noneMatch(e -> e.contains(inContainer));
            assertThat(FindingsJson.evidence(closed, "P25-001", "MEDIUM")).as(backend).anyMatch(e -> e.contains(inContainer)
                    && e.endsWith("ipv4 CLOSED")).anyMatch(e -> e.contains(inContainer) && e.endsWith("ipv6 CLOSED"));
            // the host cannot close a macvlan's way in: that is the namespace's own filter's
            assertThat(FindingsJson.evidence(closed, "P25-001", "CRITICAL")).anyMatch(e -> e.contains(inMacvlan));
            DockerBridge.restart(host, 25);
            assertThat(probe(peer, HOST4, 25)).as(backend + ", after dockerd's restart").isEqualTo("timeout");
            if (backend.equals("ufw")) {
                host.ok("ufw", "reload");
            } else if (firewalld != null) {
                assertThat(firewalld.runner().run("firewall-cmd", "--reload").ok()).isTrue();
                DockerBridge.docker(host, 25, "-A DOCKER-USER -j RETURN");
            }
            // still published, and still the agent's rules that keep the peer out
            assertThat(host.ok("iptables-nft-save", "-t", "nat").stdout()).as(backend + ", Docker's DNAT after the reload")
                    .contains("--dport 25 -j DNAT");
            if (backend.equals("ufw")) {
                assertThat(host.ok("iptables-nft-save", "-t", "filter").stdout()).as("the agent's chain after ufw reload")
                        .contains("-A DOCKER-USER -m comment --comment port25-agent -j PORT25-AGENT-PUB");
            } else if (firewalld != null) {
                assertThat(host.ok("nft", "list", "chain", "inet", "port25_agent", "forward").stdout())
                        .as("the agent's table after firewalld's reload").contains("ct status dnat ct direction original");
            }
            assertThat(probe(peer, HOST4, 25)).as(backend + ", after the manager's reload").isEqualTo("timeout");
            assertThat(probe(peer, HOST6, 25)).as(backend + ", after the manager's reload").isEqualTo("timeout");
            DockerBridge.restart(host, 2525);
            assertThat(probe(peer, HOST4, 2525)).as(backend + ", -p 2525:25").isEqualTo("timeout");
            assertThat(probe(peer, HOST6, 2525)).as(backend + ", -p 2525:25").isEqualTo("timeout");
            DockerBridge.restart(host, 25);
            // RELAY: its allowFrom holds for the published way as for the host's own port
            for (boolean allowed : new boolean[] {true, false}) {
                Files.writeString(settings, "firewall:\n  backend: " + backend + "\nroles:\n  rules:\n    - role: RELAY\n"
                        + "  relay:\n    allowFrom: " + (allowed ? "[198.18.26.2/32, \"fd00:26::2/128\"]"
                        : "[198.18.99.0/24, \"fd00:99::/64\"]") + "\n");
                CommandResult relay = agent(jar, host, env, "enforce", "--config", settings.toString(), "--state-dir",
                        state.resolve("state").toString());
                assertThat(relay.exitCode()).as(relay.describe()).isZero();
                String want = allowed ? "open" : "timeout";
                String rules = host.ok("nft", "list", "ruleset").stdout();
                assertThat(probe(peer, HOST4, 25)).as(backend + ", RELAY, peer allowed: " + allowed + "\n" + rules)
                        .isEqualTo(want);
                assertThat(probe(peer, HOST6, 25)).as(backend + ", RELAY, peer allowed: " + allowed + "\n" + rules)
                        .isEqualTo(want);
            }
            CommandResult undo = agent(jar, host, env, "undo", "--state-dir", state.resolve("state").toString());
            assertThat(undo.exitCode()).as(undo.describe()).isZero();
            assertThat(probe(peer, HOST4, 25)).as(backend + ", undone").isEqualTo("open");
            assertThat(probe(peer, HOST6, 25)).as(backend + ", undone").isEqualTo("open");
            assertThat(dockerRules(host)).as(backend + ": Docker's rules as before").isEqualTo(dockerBefore);
            assertThat(host.ok("nft", "list", "tables").stdout()).doesNotContain("port25_agent");
        } finally {
            Trees.delete(state);
            if (backend.equals("ufw")) {
                host.ok("ufw", "--force", "disable");
            } else if (firewalld != null) {
                firewalld.close();
                DockerBridge.docker(host, 25, "-A DOCKER-USER -j RETURN"); // it flushed them as it stopped
            }
        }
    }

    /** Both families' iptables rules (Docker's, netavark's) without counters or the save's dated comments. */
    private static String dockerRules(Netns host) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String tool : List.of("iptables-nft-save", "ip6tables-nft-save")) {
            for (String line : host.ok(tool).stdout().split("\n")) {
                if (!line.startsWith("#")) {
                    out.append(line.replaceAll("\\[\\d+:\\d+\\]", "[0:0]")).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static CommandResult agent(AgentJar jar, Netns host, String... args) throws Exception {
        return agent(jar, host, List.of(), args);
    }

    /** The agent run in {@code host} after {@code env} (the firewalld lab's bus address). */
    private static CommandResult agent(AgentJar jar, Netns host, List<String> env, String... args) throws Exception {
        List<String> argv = new ArrayList<>(host.inside(env));
        argv.addAll(jar.argv(args));
        return new CommandRunner().run(Command.of(argv).withTimeout(Duration.ofSeconds(120)));
    }

    private static JsonNode status(AgentJar jar, Netns host, String... config) throws Exception {
        return status(jar, host, List.of(), config);
    }

    private static JsonNode status(AgentJar jar, Netns host, List<String> env, String... config) throws Exception {
        List<String> args = new ArrayList<>(List.of("status", "--json", "--namespaces", "all"));
        if (config.length > 0) {
            args.addAll(List.of("--config", config[0]));
        }
        CommandResult r = agent(jar, host, env, args.toArray(String[]::new));
        assertThat(r.stdout()).as(r.describe()).startsWith("{");
        JsonNode doc = new ObjectMapper().readTree(r.stdout());
        assertThat(doc.get("namespaces").get(0).get("name").asText()).isEqualTo("host");
        return doc;
    }

    private static JsonNode namespace(JsonNode doc, String name) {
        for (JsonNode ns : doc.get("namespaces")) {
            if (ns.get("name").asText().equals(name)) {
                return ns;
            }
        }
        throw new AssertionError("no namespace " + name + " in " + doc.get("namespaces"));
    }

}
