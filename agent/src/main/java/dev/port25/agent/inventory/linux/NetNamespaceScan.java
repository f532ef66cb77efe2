package dev.port25.agent.inventory.linux;

import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.inventory.NetNamespace;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds every network namespace of the host: the one of each process ({@code /proc/<pid>/ns/net},
 * one namespace per inode however many processes share it) and those that bind mounts keep alive
 * without a process: {@code ip netns} ({@code /run/netns}), Docker ({@code /run/docker/netns}) and
 * rootless Podman ({@code /run/user/<uid>/netns}). A file there counts only if it is a mounted
 * namespace (on nsfs), not a stale name left by a failed {@code ip netns add}.
 */
public final class NetNamespaceScan {

    /**
     * @param namespaces the agent's own first, then the others by name
     * @param gaps       what the scan could not see, in words for the operator; empty when nothing
     */
    public record Result(List<NetNamespace> namespaces, List<String> gaps) {
        public Result {
            namespaces = List.copyOf(namespaces);
            gaps = List.copyOf(gaps);
        }
    }

    private final Path proc;
    private final Path run;

    /** The host's {@code /proc} and {@code /run}. */
    public NetNamespaceScan() {
        this(Path.of("/proc"), Path.of("/run"));
    }

    NetNamespaceScan(Path proc, Path run) {
        this.proc = proc;
        this.run = run;
    }

    /** Every namespace found, the agent's own first. */
    public Result scan() throws InventoryException {
        long host;
        try {
            host = inode(Files.readSymbolicLink(proc.resolve("self/ns/net")).toString());
        } catch (IOException | IllegalArgumentException e) {
            throw new InventoryException("cannot read the agent's own network namespace (" + proc
                    + "/self/ns/net): " + e.getMessage(), e);
        }
        Map<Long, TreeSet<Long>> pids = new TreeMap<>();
        Map<Long, TreeSet<Path>> mounts = new TreeMap<>();
        Map<Path, String> mountNames = new HashMap<>();
        int denied = processes(pids);
        mounts(mounts, mountNames);
        List<NetNamespace> out = new ArrayList<>();
        out.add(new NetNamespace(NetNamespace.HOST, OptionalLong.of(host), List.copyOf(mounts.getOrDefault(host,
                new TreeSet<>())), List.copyOf(pids.getOrDefault(host, new TreeSet<>()))));
        TreeSet<Long> all = new TreeSet<>(pids.keySet());
        all.addAll(mounts.keySet());
        List<NetNamespace> others = new ArrayList<>();
        for (long inode : all) {
            if (inode == host) {
                continue;
            }
            List<Path> m = List.copyOf(mounts.getOrDefault(inode, new TreeSet<>()));
            List<Long> p = List.copyOf(pids.getOrDefault(inode, new TreeSet<>()));
            // named after its first bind mount ("netns/blue", "docker/1a2b3c4d5e6f", "user1000/netns-..."),
            // else after its lowest pid
            String name = m.isEmpty() ? "pid/" + p.get(0) : mountNames.get(m.get(0));
            others.add(new NetNamespace(name, OptionalLong.of(inode), m, p));
        }
        others.sort((a, b) -> a.name().compareTo(b.name()));
        out.addAll(others);
        List<String> gaps = new ArrayList<>();
        if (denied > 0) {
            int uid = uid(proc);
            gaps.add("the network namespace of " + denied + " process" + (denied == 1 ? " is" : "es are")
                    + " not readable by uid " + uid + (uid == 0 ? " (processes of a parent user namespace)"
                    : "; run as root to see every namespace"));
        }
        return new Result(out, gaps);
    }

    /**
     * A path that refers to the namespace now, for a tool's {@code nsenter --net=}: the first bind
     * mount or process whose namespace still has its inode (a pid may have been reused, a mount
     * replaced); empty when none does (the namespace ended).
     */
    public static Optional<Path> entry(NetNamespace ns, Path proc) {
        for (Path p : entries(ns, proc)) {
            try {
                long inode = p.startsWith(proc) ? inode(Files.readSymbolicLink(p).toString())
                        : ((Number) Files.getAttribute(p, "unix:ino")).longValue();
                if (ns.inode().isEmpty() || ns.inode().getAsLong() == inode) {
                    return Optional.of(p);
                }
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                // gone, or not a namespace now: try the next
            }
        }
        return Optional.empty();
    }

    /** Every way into a namespace: its bind mounts, then each of its processes' {@code ns/net}. */
    static List<Path> entries(NetNamespace ns, Path proc) {
        List<Path> out = new ArrayList<>(ns.mounts());
        for (long pid : ns.pids()) {
            out.add(proc.resolve(pid + "/ns/net"));
        }
        return out;
    }

    /** The namespace of each process, by inode; the count of processes whose namespace may not be read. */
    private int processes(Map<Long, TreeSet<Long>> pids) throws InventoryException {
        int denied = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
            for (Path p : entries) {
                long pid = pid(p.getFileName().toString());
                if (pid < 0) {
                    continue;
                }
                try {
                    long ns = inode(Files.readSymbolicLink(p.resolve("ns/net")).toString());
                    pids.computeIfAbsent(ns, k -> new TreeSet<>()).add(pid);
                } catch (AccessDeniedException e) {
                    denied++;
                } catch (IOException | IllegalArgumentException e) {
                    // exited while we looked, or a kernel thread's missing link
                }
            }
        } catch (IOException e) {
            throw new InventoryException("cannot list " + proc + ": " + e.getMessage(), e);
        }
        return denied;
    }

    /** A directory of bind-mounted namespaces, and the kind their names get. */
    private record MountDir(Path dir, String kind) {
    }

    private void mounts(Map<Long, TreeSet<Path>> mounts, Map<Path, String> names) {
        Long nsfs = device(proc.resolve("self/ns/net"));
        if (nsfs == null) {
            return; // no nsfs to compare with: no bind mount can be told from a plain file
        }
        List<MountDir> dirs = new ArrayList<>(List.of(new MountDir(run.resolve("netns"), "netns"),
                new MountDir(run.resolve("docker/netns"), "docker")));
        try (DirectoryStream<Path> users = Files.newDirectoryStream(run.resolve("user"))) {
            for (Path u : users) {
                dirs.add(new MountDir(u.resolve("netns"), "user" + u.getFileName()));
            }
        } catch (IOException e) {
            // no per-user runtime directories
        }
        for (MountDir d : dirs) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(d.dir())) {
                for (Path f : files) {
                    if (nsfs.equals(device(f))) {
                        try {
                            long ino = ((Number) Files.getAttribute(f, "unix:ino")).longValue();
                            mounts.computeIfAbsent(ino, k -> new TreeSet<>()).add(f);
                            names.put(f, d.kind() + "/" + f.getFileName());
                        } catch (IOException | UnsupportedOperationException e) {
                            // unmounted meanwhile
                        }
                    }
                }
            } catch (IOException e) {
                // the runtime is not here, or the directory is not readable
            }
        }
    }

    private static Long device(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:dev")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The uid {@code proc}'s {@code self} belongs to (this process's); -1 when it cannot be read. */
    static int uid(Path proc) {
        try {
            return ((Number) Files.getAttribute(proc.resolve("self"), "unix:uid")).intValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    /** The inode in "net:[4026531840]". */
    static long inode(String link) {
        if (!link.startsWith("net:[") || !link.endsWith("]")) {
            throw new IllegalArgumentException("not a network namespace link: " + link);
        }
        return Long.parseLong(link, 5, link.length() - 1, 10);
    }

    private static long pid(String name) {
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
            return -1;
        }
        try {
            return Long.parseLong(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
