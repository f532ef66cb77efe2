package dev.port25.agent.inventory;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One network namespace of the host, as the inventory found it: from the processes in it
 * ({@code /proc/<pid>/ns/net}) and the bind mounts that keep it alive without a process
 * ({@code ip netns} in {@code /run/netns}, Docker in {@code /run/docker/netns}, rootless Podman in
 * {@code /run/user/<uid>/netns}).
 *
 * @param name   {@value #HOST} for the agent's own; otherwise its first bind mount as
 *               {@code KIND/FILE} ("netns/blue", "docker/SANDBOX": Docker names the file after the
 *               network sandbox, not the container), or without one
 *               {@code pid/N} after its lowest pid
 * @param inode  the namespace's inode (the number in {@code net:[4026531840]}), which names it
 *               uniquely while it exists; empty where the source cannot tell (OSHI)
 * @param mounts the bind mounts that hold it, sorted
 * @param pids   the processes in it that the agent could see, sorted
 */
public record NetNamespace(String name, OptionalLong inode, List<Path> mounts, List<Long> pids) {

    /** The agent's own network namespace, as facts and reports name it. */
    public static final String HOST = "host";

    public NetNamespace {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inode, "inode");
        mounts = List.copyOf(mounts);
        pids = List.copyOf(pids);
    }

    /** The agent's own namespace, its inode unknown: where only it is listed. */
    public static NetNamespace host() {
        return new NetNamespace(HOST, OptionalLong.empty(), List.of(), List.of());
    }

    /** True for the agent's own namespace. */
    public boolean isHost() {
        return name.equals(HOST);
    }

    /** "host", "netns/blue (net:[4026532281])". */
    public String describe() {
        return inode.isEmpty() || isHost() ? name : name + " (net:[" + inode.getAsLong() + "])";
    }
}
