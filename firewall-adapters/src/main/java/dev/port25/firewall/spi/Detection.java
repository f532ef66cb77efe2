package dev.port25.firewall.spi;

import dev.port25.firewall.exec.CommandException;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link FirewallAdapter#detect()} found.
 *
 * @param backend   the backend id
 * @param installed its tools are present
 * @param active    it is in charge of (or able to change) the packet filter here
 * @param version   the tool's version, when it said
 * @param detail    one sentence for the operator: why not installed or not active, or what is active
 */
public record Detection(String backend, boolean installed, boolean active, Optional<String> version, String detail) {

    public Detection {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(detail, "detail");
        if (active && !installed) {
            throw new IllegalArgumentException("active implies installed");
        }
    }

    /** The backend's program is not on this host. */
    public static Detection notInstalled(String backend, String program, String debianPackage) {
        return new Detection(backend, false, false, Optional.empty(),
                program + " not found: install the " + debianPackage + " package");
    }

    /** The backend's program could not be run at all (not startable, timed out). */
    public static Detection unusable(String backend, CommandException e) {
        return new Detection(backend, false, false, Optional.empty(), e.getMessage());
    }
}
