package dev.port25.firewall.firewalld;

import dev.port25.firewall.exec.BackgroundProcess;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Trees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * A firewalld of the test's own inside a namespace: a private D-Bus system bus that activates
 * nothing, and firewalld reading the namespace's own copy of /etc/firewalld. Stopped by pid;
 * the /run/firewalld it creates on the shared /run is removed. Refuses to start where a
 * firewalld already runs on this host; a /run/firewalld that no running firewalld owns (left
 * by a run that was killed before it could tear down) is removed first.
 */
public final class FirewalldLab implements AutoCloseable {

    private static final Path RUN = Path.of("/run/firewalld");

    private final Path dir;
    private final List<BackgroundProcess> processes;
    private final CommandRunner runner;
    private final String busAddress;

    private FirewalldLab(Path dir, List<BackgroundProcess> processes, CommandRunner runner, String busAddress) {
        this.dir = dir;
        this.processes = processes;
        this.runner = runner;
        this.busAddress = busAddress;
    }

    /** Starts the bus and firewalld in {@code ns}; waits until firewalld says "running". */
    public static FirewalldLab start(Netns ns) throws Exception {
        if (Files.exists(RUN)) {
            ProcessHandle running = ProcessHandle.allProcesses().filter(FirewalldLab::isFirewalld).findFirst().orElse(null);
            if (running != null) {
                throw new IllegalStateException(RUN + " exists and firewalld runs on this host (pid " + running.pid()
                        + "): a test firewalld would share its /run/firewalld");
            }
            System.err.println(RUN + " exists but no firewalld runs: removing what a killed run left");
            Trees.delete(RUN);
        }
        Path etc = ns.etcOverlay().resolve("firewalld");
        Trees.delete(etc); // a fresh copy of the packaged configuration at each start
        Trees.copy(Path.of("/etc/firewalld"), etc);
        Path dir = Files.createTempDirectory("p25-firewalld-");
        Path bus = dir.resolve("bus");
        Files.writeString(dir.resolve("bus.conf"), """
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
                 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>system</type>
                  <listen>unix:path=%s</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow user="*"/>
                    <allow own="*"/>
                    <allow send_destination="*"/>
                    <allow receive_sender="*"/>
                  </policy>
                </busconfig>
                """.formatted(bus));
        String address = "DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + bus;
        BackgroundProcess dbus = ns.spawn(ns.inside(List.of("dbus-daemon", "--config-file=" + dir.resolve("bus.conf"),
                "--nofork", "--nopidfile")));
        for (int i = 0; i < 50 && !Files.exists(bus); i++) {
            Thread.sleep(100);
        }
        BackgroundProcess firewalld = ns.spawn(ns.inside(List.of("env", address, "firewalld", "--nofork", "--nopid",
                "--log-target", "file", "--log-file", dir.resolve("firewalld.log").toString())));
        CommandRunner runner = CommandRunner.inNetworkNamespace(ns.name()).withPrefix(List.of("env", address));
        FirewalldLab lab = new FirewalldLab(dir, List.of(firewalld, dbus), runner, address);
        for (int i = 0; i < 100; i++) {
            CommandResult state = runner.run("firewall-cmd", "--state");
            if (state.ok() && state.stdout().strip().equals("running")) {
                return lab;
            }
            Thread.sleep(100);
        }
        lab.close();
        throw new IllegalStateException("firewalld did not start: " + Files.readString(dir.resolve("firewalld.log")));
    }

    /** firewalld is a Python program: its script is one of the interpreter's arguments. */
    private static boolean isFirewalld(ProcessHandle p) {
        return Stream.concat(p.info().command().stream(), Stream.of(p.info().arguments().orElse(new String[0])))
                .anyMatch(a -> a.equals("firewalld") || a.endsWith("/firewalld"));
    }

    /** {@code DBUS_SYSTEM_BUS_ADDRESS=unix:path=...}: the environment entry a process needs to reach this firewalld. */
    public String busAddress() {
        return busAddress;
    }

    /** Runs firewall-cmd and friends in the namespace, on the private bus. */
    public CommandRunner runner() {
        return runner;
    }

    @Override
    public void close() throws IOException {
        for (BackgroundProcess p : processes) {
            p.stop();
        }
        Trees.delete(dir);
        Trees.delete(RUN);
    }
}
