package dev.port25.agent.inventory.linux;

import com.sun.jna.LastErrorException;
import dev.port25.agent.inventory.InventoryException;
import dev.port25.agent.platform.linux.LibC;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs work inside another network namespace: on a thread of its own that enters the namespace
 * ({@code setns(2)} through JNA moves only the calling thread) and ends with the work, so that no
 * pooled thread is ever left in a foreign namespace. A socket opened there (netlink, TCP) stays in
 * that namespace; so does {@code /proc/thread-self/net}. Entering needs CAP_SYS_ADMIN.
 */
final class InNamespace {

    private InNamespace() {
    }

    /**
     * @param entry a file that refers to the namespace: a bind mount or {@code /proc/<pid>/ns/net}
     * @param what  the namespace's name, for the thread and the errors
     */
    static <T> T call(Path entry, String what, Callable<T> work) throws InventoryException {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                enter(entry, what);
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

    private static void enter(Path entry, String what) throws IOException {
        LibC libc = LibC.Binding.get();
        int fd;
        try {
            fd = libc.open(entry.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot open " + entry + ": " + Errno.name(e.getErrorCode())
                    + (e.getErrorCode() == 2 ? " (the namespace is gone)" : ""), e);
        }
        try {
            libc.setns(fd, LibC.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw new IOException("cannot enter network namespace " + what + ": " + Errno.name(e.getErrorCode())
                    + (e.getErrorCode() == 1 ? " (entering another namespace needs CAP_SYS_ADMIN: run as root)" : ""),
                    e);
        } finally {
            try {
                libc.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to do about a failed close of a file we only passed to setns
            }
        }
    }
}
