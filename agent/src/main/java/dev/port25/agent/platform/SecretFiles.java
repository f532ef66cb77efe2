package dev.port25.agent.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Files and folders closed to everyone but their owner: whether a file that holds a secret (the
 * report token, a client key) is, and making the folders that hold state (the undo journal, the
 * spool). POSIX permissions on Linux; the Windows counterpart (ACLs of SYSTEM and Administrators
 * only) belongs here too and is not written yet, so where a store has no POSIX permissions a
 * secret file is refused, never waved through, and a private folder is not made.
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
            throw new IOException("cannot make " + dir + " private: its file system has no POSIX permissions, "
                    + "and this platform's check (ACLs) is not implemented; use a folder on a POSIX file system "
                    + "(--state-dir)");
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
                return Optional.of(" has no POSIX permissions to check, and this platform's check (ACLs) "
                        + "is not implemented: keep it on a POSIX file system");
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
