package dev.port25.agent.inventory;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A process that holds a listening socket open, as {@code ss -p} lists it. A socket shared by a
 * parent and its forked children (a Postfix master and its smtpd workers) has one owner per process.
 *
 * @param pid  process id, as seen from the agent's pid namespace
 * @param name process name ({@code comm}, as {@code ss -p} prints it)
 * @param exe  path of the executable; empty when the agent may not read it
 * @param user name of the process's real user; empty when it cannot be resolved
 * @param uid  the process's real uid; empty when unknown
 */
public record Owner(long pid, String name, Optional<String> exe, Optional<String> user, OptionalInt uid) {

    public Owner {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(exe, "exe");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(uid, "uid");
    }
}
