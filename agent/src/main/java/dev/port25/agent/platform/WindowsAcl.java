package dev.port25.agent.platform;

import com.sun.jna.platform.win32.Advapi32Util;
import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Windows counterpart of a file only its owner may read: an ACL that lets no one but
 * SYSTEM (S-1-5-18) and the Administrators group (S-1-5-32-544) read or change it. The two are
 * found by their well-known SIDs, never by name (names are localized: "NT-AUTORITÄT\SYSTEM").
 */
final class WindowsAcl {

    static final String SYSTEM = "S-1-5-18";
    static final String ADMINISTRATORS = "S-1-5-32-544";

    /** What lets a principal read the secret or change who may. */
    private static final Set<AclEntryPermission> SECRET = EnumSet.of(AclEntryPermission.READ_DATA,
            AclEntryPermission.WRITE_DATA, AclEntryPermission.APPEND_DATA, AclEntryPermission.WRITE_ACL,
            AclEntryPermission.WRITE_OWNER);

    private WindowsAcl() {
    }

    /** What is wrong with {@code file} as a secret, as {@link SecretFiles#problem} says it; empty when nothing. */
    static Optional<String> problem(Path file) {
        try {
            AclFileAttributeView view = Files.getFileAttributeView(file, AclFileAttributeView.class);
            return problem(view.getOwner(), view.getAcl(),
                    trusted(file.getFileSystem().getUserPrincipalLookupService()), file);
        } catch (IOException | RuntimeException | LinkageError e) { // JNA's lookup fails with an unchecked error
            return Optional.of(": cannot read its ACL: " + e.getMessage());
        }
    }

    /**
     * What is wrong with a file of {@code owner} and {@code acl}: an owner other than
     * {@code trusted} (an owner may always change the ACL), or principals other than them that the
     * ACL allows to read or change the file (deny entries take nothing away from a check that
     * asks who is allowed).
     */
    static Optional<String> problem(UserPrincipal owner, List<AclEntry> acl, Set<UserPrincipal> trusted, Path file) {
        if (!trusted.contains(owner)) {
            return Optional.of(" is owned by " + owner.getName() + ", who may give anyone access to it; it holds a "
                    + "secret: icacls \"" + file + "\" /setowner *" + ADMINISTRATORS);
        }
        Set<String> others = new LinkedHashSet<>();
        for (AclEntry e : acl) {
            if (e.type() != AclEntryType.ALLOW || trusted.contains(e.principal())) {
                continue;
            }
            Set<AclEntryPermission> granted = EnumSet.noneOf(AclEntryPermission.class);
            granted.addAll(e.permissions());
            granted.retainAll(SECRET);
            if (!granted.isEmpty()) {
                others.add(e.principal().getName());
            }
        }
        if (others.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(" is open to " + String.join(", ", others) + " (its ACL lets them read or change it); it "
                + "holds a secret: icacls \"" + file + "\" /inheritance:r /grant:r *" + SYSTEM + ":F *" + ADMINISTRATORS
                + ":F");
    }

    /** SYSTEM and Administrators, by their SIDs. */
    private static Set<UserPrincipal> trusted(UserPrincipalLookupService lookup) throws IOException {
        Set<UserPrincipal> out = new LinkedHashSet<>();
        for (String sid : List.of(SYSTEM, ADMINISTRATORS)) {
            out.add(lookup.lookupPrincipalByName(Advapi32Util.getAccountBySid(sid).fqn));
        }
        return out;
    }

    /**
     * Makes {@code dir} (and missing parents), then gives it an ACL of SYSTEM and Administrators
     * only, inherited by what is made in it and not by what is above (icacls, by SID).
     */
    static void privateDirectory(Path dir, CommandRunner runner) throws IOException {
        Files.createDirectories(dir);
        CommandResult r;
        try {
            r = runner.run("icacls", dir.toString(), "/inheritance:r", "/grant:r", "*" + SYSTEM + ":(OI)(CI)F",
                    "*" + ADMINISTRATORS + ":(OI)(CI)F");
        } catch (CommandException e) {
            throw new IOException("cannot make " + dir + " private: " + e.getMessage(), e);
        }
        if (!r.ok()) {
            throw new IOException("cannot make " + dir + " private: " + r.describe());
        }
    }
}
