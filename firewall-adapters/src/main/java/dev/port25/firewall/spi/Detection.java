package dev.port25.firewall.spi;

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
}
