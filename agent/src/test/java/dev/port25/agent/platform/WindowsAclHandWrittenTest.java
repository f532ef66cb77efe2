package dev.port25.agent.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Windows secret-file check over ACLs written by hand (no Windows here): principals as
 * Windows names them, entries as icacls shows a ProgramData file's (SYSTEM and Administrators
 * full control, Users read and execute, inherited). The live check runs on Windows only.
 */
class WindowsAclHandWrittenTest {

    /** A principal as Windows' provider gives one: equal by identity here, by SID there. */
    private record Principal(String getName) implements UserPrincipal {
    }

    private static final UserPrincipal SYSTEM = new Principal("NT AUTHORITY\\SYSTEM");
    private static final UserPrincipal ADMINISTRATORS = new Principal("BUILTIN\\Administrators");
    private static final UserPrincipal USERS = new Principal("BUILTIN\\Users");
    private static final Path FILE = Path.of("C:\\ProgramData\\port25-agent\\token");

    private static AclEntry entry(AclEntryType type, UserPrincipal who, AclEntryPermission... permissions) {
        return AclEntry.newBuilder().setType(type).setPrincipal(who).setPermissions(permissions).build();
    }

    @Test
    void onlySystemAndAdministratorsMayReadOrChangeASecret() {
        List<AclEntry> closed = List.of(
                entry(AclEntryType.ALLOW, SYSTEM, AclEntryPermission.values()),
                entry(AclEntryType.ALLOW, ADMINISTRATORS, AclEntryPermission.values()));
        assertThat(WindowsAcl.problem(ADMINISTRATORS, closed, Set.of(SYSTEM, ADMINISTRATORS), FILE)).isEmpty();

        List<AclEntry> inherited = List.of(closed.get(0), closed.get(1),
                entry(AclEntryType.ALLOW, USERS, AclEntryPermission.READ_DATA, AclEntryPermission.READ_ATTRIBUTES,
                        AclEntryPermission.EXECUTE, AclEntryPermission.SYNCHRONIZE));
        assertThat(WindowsAcl.problem(ADMINISTRATORS, inherited, Set.of(SYSTEM, ADMINISTRATORS), FILE)).contains(
                " is open to BUILTIN\\Users (its ACL lets them read or change it); it holds a secret: icacls "
                        + "\"" + FILE + "\" /inheritance:r /grant:r *S-1-5-18:F *S-1-5-32-544:F");
    }

    @Test
    void entriesThatDenyOrGrantOnlyAttributesAreNoReadOfTheSecret() {
        List<AclEntry> acl = List.of(
                entry(AclEntryType.ALLOW, SYSTEM, AclEntryPermission.values()),
                entry(AclEntryType.DENY, USERS, AclEntryPermission.READ_DATA),
                entry(AclEntryType.ALLOW, USERS, AclEntryPermission.READ_ATTRIBUTES, AclEntryPermission.READ_ACL,
                        AclEntryPermission.SYNCHRONIZE));
        assertThat(WindowsAcl.problem(ADMINISTRATORS, acl, Set.of(SYSTEM, ADMINISTRATORS), FILE)).isEmpty();
        // but changing who may read it is as bad as reading it
        List<AclEntry> owner = List.of(entry(AclEntryType.ALLOW, USERS, AclEntryPermission.WRITE_ACL));
        assertThat(WindowsAcl.problem(ADMINISTRATORS, owner, Set.of(SYSTEM, ADMINISTRATORS), FILE)).isPresent();
    }

    @Test
    void aSecretOwnedByAnyoneElseIsRefusedWhateverItsAcl() {
        UserPrincipal alice = new Principal("HOST\\alice");
        List<AclEntry> closed = List.of(entry(AclEntryType.ALLOW, SYSTEM, AclEntryPermission.values()));
        assertThat(WindowsAcl.problem(alice, closed, Set.of(SYSTEM, ADMINISTRATORS), FILE)).contains(
                " is owned by HOST\\alice, who may give anyone access to it; it holds a secret: icacls \"" + FILE
                        + "\" /setowner *S-1-5-32-544");
        assertThat(WindowsAcl.problem(SYSTEM, closed, Set.of(SYSTEM, ADMINISTRATORS), FILE)).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void liveOnWindowsAFolderMadePrivateHoldsSecretsThatPass(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        SecretFiles.privateDirectory(state);
        Path token = Files.writeString(state.resolve("token"), "t");
        assertThat(SecretFiles.problem(token)).isEmpty();
        assertThat(SecretFiles.problem(Files.writeString(dir.resolve("open"), "t"))).isPresent();
    }
}
