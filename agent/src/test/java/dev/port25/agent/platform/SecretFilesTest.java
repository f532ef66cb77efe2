package dev.port25.agent.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretFilesTest {

    @Test
    void aSecretOthersCanReadOrWriteIsRefusedAndOneOnlyItsOwnerCanIsNot(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        assertThat(SecretFiles.problem(token)).isEmpty();
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(SecretFiles.problem(token)).contains(" is open to group or others (rw-r--r--); it holds a secret: "
                + "chmod 600 it");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw--w----"));
        assertThat(SecretFiles.problem(token)).hasValueSatisfying(p -> assertThat(p).contains("rw--w----"));
        assertThat(SecretFiles.problem(dir.resolve("absent"))).hasValueSatisfying(p -> assertThat(p)
                .startsWith(": cannot read: "));
    }

    /** A store without POSIX permissions (a zip file system): a secret there is refused, a private folder not made. */
    @Test
    void whereNothingCanBeCheckedNothingIsTrusted(@TempDir Path dir) throws Exception {
        try (FileSystem zip = FileSystems.newFileSystem(dir.resolve("store.zip"), Map.of("create", "true"))) {
            Path token = Files.writeString(zip.getPath("/token"), "t");
            assertThat(SecretFiles.problem(token)).hasValueSatisfying(p -> assertThat(p)
                    .contains("has no POSIX permissions or Windows ACL to check"));
            assertThatThrownBy(() -> SecretFiles.privateDirectory(zip.getPath("/state")))
                    .isInstanceOf(IOException.class).hasMessageContaining("neither POSIX permissions nor Windows ACLs");
            assertThat(zip.getPath("/state")).doesNotExist();
        }
    }

    @Test
    void aPrivateFolderAndItsMissingParentsAreTheOwnersAlone(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("var/lib/port25-agent");
        SecretFiles.privateDirectory(state);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.getParent())))
                .isEqualTo("rwx------");
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        SecretFiles.privateDirectory(open);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(open))).as("an existing folder is left")
                .isEqualTo("rwxr-xr-x");
    }
}
