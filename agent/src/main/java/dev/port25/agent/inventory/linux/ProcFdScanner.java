package dev.port25.agent.inventory.linux;

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
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the processes that hold given socket inodes by reading the {@code socket:[inode]} links
 * under {@code /proc/<pid>/fd}, the way {@code ss -p} does. Only the wanted inodes are kept.
 */
final class ProcFdScanner {

    /**
     * @param holders    inode to the pids holding it (a pid appears once even with several fds)
     * @param unreadable pids whose fd table the agent may not read
     */
    record Result(Map<Long, Set<Long>> holders, Set<Long> unreadable) {
    }

    private final Path proc;

    ProcFdScanner(Path proc) {
        this.proc = proc;
    }

    Result scan(Set<Long> inodes) throws IOException {
        Map<Long, Set<Long>> holders = new HashMap<>();
        Set<Long> unreadable = new TreeSet<>();
        if (inodes.isEmpty()) {
            return new Result(holders, unreadable);
        }
        for (long pid : pids()) {
            Path fdDir = proc.resolve(Long.toString(pid)).resolve("fd");
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
                for (Path fd : fds) {
                    Long inode = socketInode(fd);
                    if (inode != null && inodes.contains(inode)) {
                        holders.computeIfAbsent(inode, k -> new TreeSet<>()).add(pid);
                    }
                }
            } catch (AccessDeniedException e) {
                unreadable.add(pid);
            } catch (NoSuchFileException e) {
                // the process exited while we looked
            } catch (IOException e) {
                // a zombie's fd directory, or a process that exited mid-listing
                if (Files.exists(fdDir)) {
                    unreadable.add(pid);
                }
            }
        }
        return new Result(holders, unreadable);
    }

    private List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
                    try {
                        pids.add(Long.parseLong(name));
                    } catch (NumberFormatException ignored) {
                        // not a process directory
                    }
                }
            }
        }
        return pids;
    }

    private static Long socketInode(Path fd) {
        try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.startsWith("socket:[") && target.endsWith("]")) {
                return Long.parseLong(target, 8, target.length() - 1, 10);
            }
        } catch (IOException | NumberFormatException | UnsupportedOperationException ignored) {
            // closed meanwhile, or not a socket
        }
        return null;
    }
}
