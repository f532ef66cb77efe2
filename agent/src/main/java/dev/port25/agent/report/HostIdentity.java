package dev.port25.agent.report;

import dev.port25.agent.facts.RoleResolver;
import dev.port25.agent.platform.WindowsMachineGuid;
import oshi.SystemInfo;
import oshi.software.os.OperatingSystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who sends a report: the host name (the kernel's), the machine id (systemd's
 * {@code /etc/machine-id}, stable across renames and reinstalls of the agent; on Windows the
 * registry's MachineGuid, {@link WindowsMachineGuid}), the operating
 * system as OSHI names it, and the agent's version.
 */
public record HostIdentity(String hostname, Optional<String> machineId, String osFamily, String osVersion,
                           String osBuild, String agentVersion) {

    public HostIdentity {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(osFamily, "osFamily");
        Objects.requireNonNull(osVersion, "osVersion");
        Objects.requireNonNull(osBuild, "osBuild");
        Objects.requireNonNull(agentVersion, "agentVersion");
    }

    /** This host's identity. */
    public static HostIdentity local(String agentVersion) {
        OperatingSystem os = new SystemInfo().getOperatingSystem();
        Optional<String> machineId = dev.port25.agent.platform.OperatingSystem.current()
                == dev.port25.agent.platform.OperatingSystem.WINDOWS ? WindowsMachineGuid.read()
                : machineId(List.of(Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id")));
        return new HostIdentity(RoleResolver.localHostname(), machineId, os.getFamily(), Objects.toString(os.getVersionInfo().getVersion(), ""),
                Objects.toString(os.getVersionInfo().getBuildNumber(), ""), agentVersion);
    }

    /** The first of {@code files} that holds a machine id (32 hex digits). */
    static Optional<String> machineId(List<Path> files) {
        for (Path f : files) {
            try {
                String id = Files.readString(f).strip();
                if (id.matches("[0-9a-f]{32}")) {
                    return Optional.of(id);
                }
            } catch (IOException e) {
                // not there: the next
            }
        }
        return Optional.empty();
    }
}
