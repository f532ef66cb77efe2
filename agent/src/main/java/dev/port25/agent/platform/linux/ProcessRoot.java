package dev.port25.agent.platform.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The file system a process sees, reached from the agent's side: {@code /proc/PID/root} when the
 * process has a mount namespace or a root of its own (a container's), else the agent's own. A
 * path inside such a root is followed one component at a time and a symbolic link on the way is
 * refused: the kernel resolves an absolute link found there against the agent's root, not the
 * container's, so following it would read this host's file as the container's.
 */
public final class ProcessRoot {

    private final Path proc;

    public ProcessRoot(Path proc) {
        this.proc = Objects.requireNonNull(proc, "proc");
    }

    public ProcessRoot() {
        this(Path.of("/proc"));
    }

    /**
     * {@code /proc/PID/root} when process {@code pid} sees another file system than the agent:
     * another mount namespace, or another root directory; empty when it sees the agent's own.
     *
     * @throws IOException when its namespace or root cannot be read (another user's process, without root; ended)
     */
    public Optional<Path> foreign(long pid) throws IOException {
        Path p = proc.resolve(Long.toString(pid));
        boolean otherMounts = !Files.readSymbolicLink(p.resolve("ns/mnt"))
                .equals(Files.readSymbolicLink(proc.resolve("self/ns/mnt")));
        Path root = p.resolve("root");
        return otherMounts || !sameFile(root, Path.of("/")) ? Optional.of(root) : Optional.empty();
    }

    /**
     * Process {@code pid} runs this host's own executable from this host's root: the file it
     * executes ({@code /proc/PID/exe}) is the one at that path here, and its root directory is
     * the agent's. Only then may the agent run that executable itself (Exim's {@code -bP}): a
     * container's would be the container's code, run as root on the host.
     *
     * @throws IOException when the process cannot be read
     */
    public boolean runsHostExecutable(long pid) throws IOException {
        Path p = proc.resolve(Long.toString(pid));
        Path exe = p.resolve("exe");
        Path here = Files.readSymbolicLink(exe);
        return here.isAbsolute() && Files.exists(here) && sameFile(exe, here) && sameFile(p.resolve("root"), Path.of("/"));
    }

    /**
     * Process {@code pid} has the agent's root directory, and {@code inside} is the very file
     * there that the agent sees at that path (its mount namespace differs only elsewhere). False
     * when either is missing.
     */
    public boolean seesSameFile(long pid, Path inside) {
        Path root = proc.resolve(Long.toString(pid)).resolve("root");
        try {
            return sameFile(root, Path.of("/")) && Files.isSameFile(inside, root.resolve(Path.of("/").relativize(inside)));
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean sameFile(Path a, Path b) throws IOException {
        return Files.getAttribute(a, "unix:dev").equals(Files.getAttribute(b, "unix:dev"))
                && Files.getAttribute(a, "unix:ino").equals(Files.getAttribute(b, "unix:ino"));
    }

    /**
     * {@code inside} (an absolute path as the process sees it) under {@code root}, checked
     * component by component.
     *
     * @throws IOException when a component is a symbolic link (naming it) or {@code ..}
     */
    public static Path resolve(Path root, Path inside) throws IOException {
        if (!inside.isAbsolute()) {
            throw new IOException(inside + " is not an absolute path");
        }
        Path at = root;
        for (Path name : inside) {
            if (name.toString().equals("..")) {
                throw new IOException(inside + " leads out of the process's own file system (..)");
            }
            at = at.resolve(name.toString());
            if (Files.isSymbolicLink(at)) {
                throw new IOException(at + " is a symbolic link in the process's own file system; the agent does "
                        + "not follow it from outside, where it would lead into this host's file system");
            }
        }
        return at;
    }
}
