package dev.port25.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.agent.testing.AgentJar;
import dev.port25.agent.testing.BackendLab;
import dev.port25.agent.testing.DockerBridge;
import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

import static dev.port25.agent.testing.DaemonOutput.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code port25-agent run} (the built jar) in enforce mode inside a server namespace, for each
 * Linux backend: it closes inbound 25 at start; after the agent's rules are removed behind its
 * back (as a firewall reload can), a listener on every address appears and a peer can no longer
 * connect over IPv4 or IPv6 within 2 s; SIGHUP with a bad file keeps the settings, SIGTERM
 * stops it cleanly and the state file says so.
 */
@Tag("netns")
class DaemonIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static AgentJar jar;

    @BeforeAll
    static void jar() throws Exception {
        Prerequisites.require("ip", "nft", "iptables", "ufw", "firewalld", "firewall-cmd", "dbus-daemon", "/usr/bin/python3",
                "promtool");
        jar = AgentJar.copy();
    }

    @AfterAll
    static void cleanup() throws Exception {
        if (jar != null) {
            jar.close();
        }
    }

    private static JsonNode state(BackendLab lab) throws Exception {
        return JSON.readTree(lab.dir.resolve("state").resolve(StateFile.NAME).toFile());
    }

    /**
     * Epoch seconds at which the peer's connections to {@code host}:25 start to fail, for each
     * host, probed at once (each time is when the first failing attempt began).
     */
    private static double[] blockedAt(BackendLab lab, String... hosts) throws Exception {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/python3", "-c", "import socket,sys,time,threading\n"
                + "out={}\n"
                + "def probe(h):\n"
                + " end=time.time()+10\n"
                + " while time.time()<end:\n"
                + "  s=socket.socket(socket.AF_INET6 if ':' in h else socket.AF_INET); s.settimeout(0.25); t=time.time()\n"
                + "  try:\n   s.connect((h,25)); s.close(); time.sleep(0.01)\n"
                + "  except OSError:\n   out[h]=t; return\n"
                + "ts=[threading.Thread(target=probe,args=(h,)) for h in sys.argv[1:]]\n"
                + "[t.start() for t in ts]; [t.join() for t in ts]\n"
                + "print(' '.join(str(out.get(h,'open')) for h in sys.argv[1:]))"));
        argv.addAll(List.of(hosts));
        CommandResult r = lab.peer.run(argv, Duration.ofSeconds(20));
        assertThat(r.stdout()).as("the peer still connects after 10 s: %s", r.describe()).doesNotContain("open");
        String[] t = r.stdout().strip().split(" ");
        double[] out = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = Double.parseDouble(t[i]);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nftables", "iptables", "ufw", "firewalld"})
    void aNewExposureIsClosedWithinTwoSecondsAndTheDaemonStopsCleanly(String backend) throws Exception {
        exposureClosedWithin(backend, 2.0);
    }

    /**
     * A container that starts on a NONE host in enforce mode (nftables) and publishes 25 through
     * Docker's rules: the peer never gets through, and the daemon's watch, which lists every
     * network namespace, names the new listener within its interval.
     */
    @Test
    void aContainerThatStartsAndPublishes25IsSeenAtOnceAndNeverReachable() throws Exception {
        try (BackendLab lab = new BackendLab(jar, "nftables"); Netns container = Netns.create("dmc")) {
            DockerBridge.bridge(lab.server, container);
            Path metrics = lab.dir.resolve("port25.prom");
            Path settings = lab.settings("mode: enforce\ndaemon:\n  textfile: " + metrics + "\n");
            BackgroundProcess daemon = lab.spawnAgent(lab.withState("run", "--config", settings.toString()));
            await(daemon, l -> l.contains("now holds 25 inbound CLOSED"), Duration.ofSeconds(90));

            DockerBridge.docker(lab.server, 25, "-A DOCKER-USER -j RETURN"); // what dockerd writes as it starts it
            BackgroundProcess listener = container.spawn(container.inside(List.of("/usr/bin/python3", "-c",
                    "import socket,sys,time\ns=socket.socket(); s.bind(('0.0.0.0',25)); s.listen(64)\n"
                            + "print(time.time()); sys.stdout.flush()\nwhile True:\n c,_=s.accept(); c.close()")));
            double listening = Double.parseDouble(listener.readLine(Duration.ofSeconds(10)).orElseThrow());
            assertThat(lab.connects("198.18.25.2", "198.18.25.1")).as("published, and closed from the start").isFalse();
            String seen = await(daemon, l -> l.contains("new listener beyond loopback: netns/" + container.name()
                    + " tcp 0.0.0.0:25"), Duration.ofSeconds(10));
            double after = System.currentTimeMillis() / 1000.0 - listening;
            System.out.printf(Locale.ROOT, "a container's new listener named by the daemon after at most %.3f s%n", after);
            assertThat(after).as("seen within the watch interval and a round").isLessThan(3.0);
            assertThat(seen).isNotEmpty();
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!state(lab).path("exposed").asText().contains("netns/" + container.name())
                    && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(state(lab).path("exposed").asText()).contains("netns/" + container.name() + " tcp 0.0.0.0:25");
            // the metrics count it in its namespace, in a file Prometheus's own checker accepts
            String prom = Files.readString(metrics);
            assertThat(prom).contains("port25_namespace_exposed_listeners{namespace=\"host\"} 0\n",
                    "port25_namespace_exposed_listeners{namespace=\"netns/" + container.name() + "\"} 1\n",
                    "port25_exposed_listeners 1\n");
            CommandResult lint = new CommandRunner().run(Command.of("promtool", "check", "metrics")
                    .withStdin(prom.getBytes(StandardCharsets.UTF_8)));
            assertThat(lint.exitCode()).as(lint.describe()).isZero();

            // and it was the agent's rules that kept the peer out: without them it gets in
            daemon.stop();
            CommandResult undo = lab.agent(lab.withState("undo"));
            assertThat(undo.exitCode()).as(undo.describe()).isZero();
            assertThat(lab.connects("198.18.25.2", "198.18.25.1")).as("published, once undone").isTrue();
        }
    }

    /**
     * Under systemd (Type=notify, WatchdogSec=1): a datagram socket stands in for systemd's
     * NOTIFY_SOCKET and records what the daemon says: READY once it watches, WATCHDOG at half the
     * interval, RELOADING then READY on SIGHUP, STOPPING on SIGTERM.
     */
    @Test
    void itTellsSystemdWhenItIsReadyAliveReloadingAndStopping() throws Exception {
        try (BackendLab lab = new BackendLab(jar, "nftables")) {
            Path socket = lab.dir.resolve("notify");
            BackgroundProcess systemd = lab.server.spawn(lab.server.inside(List.of("/usr/bin/python3", "-c", "import socket,sys\n"
                    + "s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); print('BOUND', flush=True)\n"
                    + "while True:\n print(s.recv(4096).decode().replace('\\n','|'), flush=True)", socket.toString())));
            assertThat(systemd.readLine(Duration.ofSeconds(10))).contains("BOUND");
            Path settings = lab.settings("mode: audit\n");
            List<String> argv = new ArrayList<>(lab.server.inside(List.of("env", "NOTIFY_SOCKET=" + socket,
                    "WATCHDOG_USEC=1000000")));
            argv.addAll(jar.argv(lab.withState("run", "--config", settings.toString())));
            BackgroundProcess daemon = lab.server.spawn(argv);
            assertThat(systemd.readLine(Duration.ofSeconds(60))).contains("READY=1|STATUS=watching port 25");
            long t0 = System.nanoTime();
            assertThat(systemd.readLine(Duration.ofSeconds(2))).contains("WATCHDOG=1");
            assertThat(systemd.readLine(Duration.ofSeconds(2))).contains("WATCHDOG=1");
            assertThat(systemd.readLine(Duration.ofSeconds(2))).contains("WATCHDOG=1");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("three pings at about half of WatchdogSec")
                    .isLessThan(Duration.ofMillis(2500));

            assertThat(new CommandRunner().run("kill", "-HUP", Long.toString(daemon.pid())).ok()).isTrue();
            assertThat(next(systemd, l -> !l.equals("WATCHDOG=1"))).isEqualTo("RELOADING=1");
            assertThat(next(systemd, l -> !l.equals("WATCHDOG=1"))).isEqualTo("READY=1");
            assertThat(new CommandRunner().run("kill", "-TERM", Long.toString(daemon.pid())).ok()).isTrue();
            assertThat(next(systemd, l -> !l.equals("WATCHDOG=1"))).isEqualTo("STOPPING=1");
            assertThat(daemon.waitFor(Duration.ofSeconds(30))).as("stopped on SIGTERM").hasValue(0);
            systemd.stop();
        }
    }

    /** The next datagram that matches, within 20 s. */
    private static String next(BackgroundProcess systemd, Predicate<String> match) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> l = systemd.readLine(Duration.ofMillis(200));
            if (l.isPresent() && match.test(l.get())) {
                return l.get();
            }
        }
        throw new AssertionError("no such notification within 20 s");
    }

    private void exposureClosedWithin(String backend, double seconds) throws Exception {
        try (BackendLab lab = new BackendLab(jar, backend)) {
            Path metrics = lab.dir.resolve("port25.prom");
            Path settings = lab.settings("mode: enforce\ndaemon:\n  textfile: " + metrics + "\n");
            BackgroundProcess daemon = lab.spawnAgent(lab.withState("run", "--config", settings.toString()));
            await(daemon, l -> l.contains("now holds 25 inbound CLOSED"), Duration.ofSeconds(90));

            // the agent's rules go behind the daemon's back (a firewall reload can do that)
            CommandResult undo = lab.agent(lab.withState("undo"));
            assertThat(undo.exitCode()).as(undo.describe()).isZero();

            BackgroundProcess listener = lab.server.spawn(lab.server.inside(List.of("/usr/bin/python3", "-c",
                    "import socket,sys,time\ns=socket.socket(socket.AF_INET6)\n"
                            + "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)\n"
                            + "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                            + "s.bind(('::',25)); s.listen(64); print(time.time()); sys.stdout.flush()\n"
                            + "while True:\n c,_=s.accept(); c.close()")));
            double listening = Double.parseDouble(listener.readLine(Duration.ofSeconds(10)).orElseThrow());
            double[] blocked = blockedAt(lab, "198.18.25.1", "fd00:25::1");
            double v4 = blocked[0] - listening;
            double v6 = blocked[1] - listening;
            System.out.printf(Locale.ROOT, "%s: exposure to block: ipv4 %.3f s, ipv6 %.3f s%n", backend, v4, v6);
            assertThat(v4).as("IPv4 closed within %s s", seconds).isLessThan(seconds);
            assertThat(v6).as("IPv6 closed within %s s", seconds).isLessThan(seconds);
            await(daemon, l -> l.contains("new listener tcp [::]:25: " + backend + " now holds 25 inbound CLOSED"),
                    Duration.ofSeconds(10));
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!(state(lab).path("exposed").asText().contains("[::]:25")
                    && state(lab).path("enforcementInPlace").asBoolean()) && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            JsonNode state = state(lab);
            assertThat(state.get("running").asBoolean()).isTrue();
            assertThat(state.get("mode").asText()).isEqualTo("enforce");
            assertThat(state.get("enforcementInPlace").asBoolean()).isTrue();
            assertThat(state.get("exposed").asText()).contains("[::]:25");

            if (backend.equals("nftables")) {
                // SIGHUP with a broken file: the settings in force stay, and the state says why
                Files.writeString(settings, "mode: enforce\nmode: audit\n");
                CommandResult hup = new CommandRunner().run("kill", "-HUP", Long.toString(daemon.pid()));
                assertThat(hup.ok()).isTrue();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!state(lab).path("lastError").asText().contains("reload refused")
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(state(lab).get("lastError").asText()).contains("reload refused", "key given twice");
                assertThat(state(lab).get("mode").asText()).isEqualTo("enforce");
                Files.writeString(settings, "firewall:\n  backend: nftables\nmode: enforce\ndaemon:\n  textfile: " + metrics
                        + "\n");
                assertThat(new CommandRunner().run("kill", "-HUP", Long.toString(daemon.pid())).ok()).isTrue();
                await(daemon, l -> l.contains("reloaded the settings from " + settings), Duration.ofSeconds(20));
            }

            String prom = Files.readString(metrics);
            assertThat(prom).contains("# TYPE port25_verdict gauge\nport25_verdict ", "port25_findings{severity=\"critical\"} ",
                    "port25_spool_reports 0\n", "port25_reports_dropped_total 0\n", "port25_last_audit_timestamp_seconds ");
            assertThat(prom).containsPattern("port25_exposed_listeners [01]\n");
            JsonNode status = lab.json(lab.withState("status", "--json", "--config", settings.toString()));
            assertThat(status.at("/daemon/running").asBoolean()).as(status.toString()).isTrue();
            assertThat(status.at("/daemon/pid").asLong()).isEqualTo(daemon.pid());
            assertThat(status.at("/daemon/enforcementInPlace").asBoolean()).isTrue();

            // the listener goes: the state file stops naming it within the watch's next round or two
            listener.stop();
            long gone = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!state(lab).path("exposed").asText().isEmpty() && System.nanoTime() < gone) {
                Thread.sleep(50);
            }
            assertThat(state(lab).path("exposed").asText()).as("a listener gone").isEmpty();

            assertThat(new CommandRunner().run("kill", "-TERM", Long.toString(daemon.pid())).ok()).isTrue();
            assertThat(daemon.waitFor(Duration.ofSeconds(30))).as("stopped on SIGTERM").hasValue(0);
            assertThat(state(lab).get("running").asBoolean()).isFalse();
            JsonNode after = lab.json(lab.withState("status", "--json", "--config", settings.toString()));
            assertThat(after.at("/daemon/running").asBoolean()).isFalse();
        }
    }
}
