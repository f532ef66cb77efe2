package dev.port25.agent.inventory.linux;

import com.sun.jna.Pointer;
import dev.port25.agent.inventory.Owner;
import dev.port25.agent.platform.linux.LibC;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Process details from {@code /proc/<pid>}: the name {@code ss -p} prints ({@code comm}), the
 * executable, and the real user. Reads only the files OSHI's {@code LinuxOSProcess} reads for
 * the same facts, without OSHI's start-up cost or its {@code getent} process per user lookup.
 */
final class ProcProcesses {

    private final Path proc;
    private final Map<Integer, Optional<String>> userNames = new HashMap<>();

    ProcProcesses(Path proc) {
        this.proc = proc;
    }

    /** The owner record for {@code pid}; fields the agent may not read are empty. */
    Owner owner(long pid) {
        Path dir = proc.resolve(Long.toString(pid));
        String name = read(dir.resolve("comm")).map(String::strip).orElse("?");
        Optional<String> exe;
        try {
            exe = Optional.of(Files.readSymbolicLink(dir.resolve("exe")).toString());
        } catch (IOException | UnsupportedOperationException e) {
            exe = Optional.empty();
        }
        OptionalInt uid = realUid(dir);
        Optional<String> user = uid.isPresent() ? userName(uid.getAsInt()) : Optional.empty();
        return new Owner(pid, name, exe, user, uid);
    }

    private static OptionalInt realUid(Path dir) {
        Optional<String> status = read(dir.resolve("status"));
        if (status.isEmpty()) {
            return OptionalInt.empty();
        }
        return status.get().lines()
                .filter(l -> l.startsWith("Uid:"))
                .findFirst()
                .map(l -> l.substring(4).strip().split("\\s+")[0])
                .map(s -> OptionalInt.of(Integer.parseInt(s)))
                .orElse(OptionalInt.empty());
    }

    private Optional<String> userName(int uid) {
        return userNames.computeIfAbsent(uid, ProcProcesses::lookupUser);
    }

    /** getpwuid through libc, so NSS sources (LDAP, sssd) resolve as they do for {@code ps}. */
    private static Optional<String> lookupUser(int uid) {
        LibC libc;
        try {
            libc = LibC.Binding.get();
        } catch (IOException e) {
            return Optional.empty();
        }
        synchronized (LibC.class) {
            Pointer pw = libc.getpwuid(uid);
            if (pw == null) {
                return Optional.empty();
            }
            Pointer name = pw.getPointer(0);
            return name == null ? Optional.empty() : Optional.of(name.getString(0));
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
