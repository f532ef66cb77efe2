package dev.port25.agent.inventory.linux;

import com.sun.jna.LastErrorException;
import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.inventory.NetNamespace;
import dev.port25.agent.platform.linux.LibC;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs work inside another network namespace: on a thread of its own that enters the namespace
 * ({@code setns(2)} through JNA moves only the calling thread) and ends with the work, so that no
 * pooled thread is ever left in a foreign namespace. A socket opened there (netlink, TCP) stays in
 * that namespace; so does {@code /proc/thread-self/net}. Entering needs CAP_SYS_ADMIN.
 */
public final class InNamespace {

    private InNamespace() {
    }

    /**
     * Runs {@code work} inside {@code ns} (through its bind mounts, then its processes), or here
     * when it is the agent's own.
     *
     * @throws InventoryException when the namespace ended, or cannot be entered (EPERM without
     *                            CAP_SYS_ADMIN); what {@code work} throws, with its message
     */
    public static <T> T call(NetNamespace ns, Callable<T> work) throws InventoryException {
        if (ns.isHost()) {
            try {
                return work.call();
            } catch (InventoryException e) {
                throw e;
            } catch (Exception e) {
                throw new InventoryException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
        }
        return call(NetNamespaceScan.entries(ns, Path.of("/proc")), ns.inode(), ns.name(), work);
    }

    /** The namespace no longer exists: every file that referred to it is gone, or now refers to another. */
    static final class Gone extends InventoryException {
        Gone(String message) {
            super(message, null);
        }
    }

    /**
     * @param entries files that refer to the namespace, tried in turn: its bind mounts, then
     *                {@code /proc/<pid>/ns/net} of its processes
     * @param inode   the namespace's inode, checked after entering (a pid may have been reused)
     * @param what    the namespace's name, for the thread and the errors
     * @throws Gone when no entry leads into the namespace any more (it ended since the scan)
     */
    static <T> T call(List<Path> entries, OptionalLong inode, String what, Callable<T> work) throws InventoryException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                enter(entries, inode, what);
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "netns " + what);
        t.setDaemon(true);
        t.start();
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InventoryException("interrupted while listing network namespace " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InventoryException ie) {
                throw ie;
            }
            throw new InventoryException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        }
    }

    private static void enter(List<Path> entries, OptionalLong inode, String what) throws IOException, Gone {
        for (Path entry : entries) {
            if (enter(entry, what) && (inode.isEmpty() || inode.getAsLong() == current())) {
                return;
            }
        }
        throw new Gone("network namespace " + what + " ended while it was listed");
    }

    /** The inode of the calling thread's network namespace. */
    private static long current() throws IOException {
        return NetNamespaceScan.inode(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
    }

    /** Enters the namespace {@code entry} refers to; false when it is gone (ENOENT, or EINVAL: not a namespace now). */
    private static boolean enter(Path entry, String what) throws IOException {
        LibC libc = LibC.Binding.get();
        int fd;
        try {
            fd = libc.open(entry.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.ENOENT || e.getErrorCode() == Errno.ESRCH) {
                return false;
            }
            throw new IOException("cannot open " + entry + ": " + Errno.name(e.getErrorCode()), e);
        }
        try {
            libc.setns(fd, LibC.CLONE_NEWNET);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EINVAL) {
                return false;
            }
            throw new IOException("cannot enter network namespace " + what + ": " + Errno.name(e.getErrorCode())
                    + (e.getErrorCode() == Errno.EPERM ? " (entering another namespace needs CAP_SYS_ADMIN)" : ""), e);
        } finally {
            try {
                libc.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to do about a failed close of a file we only passed to setns
            }
        }
    }
}
