package dev.port25.agent.inventory;

import java.util.Objects;
import java.util.Optional;

/**
 * The container a process runs in, as its control group and its runtime's own state say.
 *
 * @param runtime docker, podman, containerd, cri-o, lxc, systemd-nspawn, machine (registered with
 *                systemd-machined without a unit of its own), or kubernetes (a pod's container whose
 *                runtime the control group does not name)
 * @param id      the runtime's id for it: the 64-hex id of an OCI runtime, the name of an LXC or
 *                nspawn container
 * @param name    the name the runtime gave it; empty when its state could not be read
 * @param image   the image it was made from; empty when unknown
 */
public record Container(String runtime, String id, Optional<String> name, Optional<String> image) {

    public Container {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
    }

    /** The id as runtimes print it: 12 characters of a 64-hex id, other ids whole. */
    public String shortId() {
        return id.length() == 64 ? id.substring(0, 12) : id;
    }

    /** "docker mail (1a2b3c4d5e6f, image localhost/mini:latest)", "lxc web". */
    public String describe() {
        String what = runtime + " " + name.orElse(shortId());
        String rest = (name.isPresent() && !name.get().equals(id) ? shortId() : "")
                + image.map(i -> ", image " + i).orElse("");
        rest = rest.startsWith(", ") ? rest.substring(2) : rest;
        return rest.isEmpty() ? what : what + " (" + rest + ")";
    }
}
