package dev.port25.agent.platform;

import dev.port25.firewall.exec.CommandRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Files and folders closed to everyone but their owner: whether a file that holds a secret (the
 * report token, a client key) is, and making the folders that hold state (the undo journal, the
 * spool). POSIX permissions on Linux; on Windows an ACL that lets only SYSTEM and Administrators
 * read or change it ({@link WindowsAcl}). Where a store has neither, a secret file is refused,
 * never waved through, and a private folder is not made.
 */
public final class SecretFiles {

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private SecretFiles() {
    }

    /**
     * Makes {@code dir} and any missing parent, each closed to all but the owner (0700); an
     * existing folder is left as it is.
     *
     * @throws IOException also where the store has no POSIX permissions
     */
    public static void privateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null
                && !Files.getFileStore(existing).supportsFileAttributeView(PosixFileAttributeView.class)) {
            if (OperatingSystem.current() == OperatingSystem.WINDOWS
                    && Files.getFileStore(existing).supportsFileAttributeView(AclFileAttributeView.class)) {
                WindowsAcl.privateDirectory(dir, new CommandRunner());
                return;
            }
            throw new IOException("cannot make " + dir + " private: its file system has neither POSIX permissions "
                    + "nor Windows ACLs; use a folder on one that has (--state-dir)");
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /**
     * What is wrong with {@code file} as a secret, in words for the operator that follow
     * "KEY FILE" (they start with a space or a colon); empty when only its owner can read or write it.
     */
    public static Optional<String> problem(Path file) {
        Set<PosixFilePermission> perms;
        try {
            if (!Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
                if (OperatingSystem.current() == OperatingSystem.WINDOWS
                        && Files.getFileStore(file).supportsFileAttributeView(AclFileAttributeView.class)) {
                    return WindowsAcl.problem(file);
                }
                return Optional.of(" has no POSIX permissions or Windows ACL to check: keep it on a file system "
                        + "that has them");
            }
            perms = Files.getPosixFilePermissions(file);
        } catch (IOException e) {
            return Optional.of(": cannot read: " + e.getMessage());
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(perms);
        open.retainAll(OTHERS);
        return open.isEmpty() ? Optional.empty() : Optional.of(" is open to group or others ("
                + PosixFilePermissions.toString(perms) + "); it holds a secret: chmod 600 it");
    }
}
