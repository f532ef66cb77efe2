package dev.port25.agent.facts;

import dev.port25.agent.settings.Role;
import dev.port25.agent.settings.Settings;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A host's role from the settings: the first of {@code roles.rules} that matches the host name
 * and tags; none matches: NONE. Pure but for {@link #localHostname()}.
 */
public final class RoleResolver {

    /** The role and why: which rule gave it, or that none did. */
    public record Decision(Role role, String why) {
    }

    private RoleResolver() {
    }

    public static Decision resolve(Settings settings, String hostname) {
        Set<String> tags = settings.host().tags().stream().map(Settings.Tag::name).collect(Collectors.toSet());
        List<Settings.Rule> rules = settings.roles().rules();
        for (int i = 0; i < rules.size(); i++) {
            Settings.Rule r = rules.get(i);
            boolean name = r.hostname().map(g -> g.matches(hostname)).orElse(true);
            boolean tagged = r.tags().stream().allMatch(t -> tags.contains(t.name()));
            if (name && tagged) {
                return new Decision(r.role(), "rule " + (i + 1) + " (" + describe(r) + ") matches host '" + hostname
                        + "'" + (tags.isEmpty() ? "" : " with tags " + sorted(tags)));
            }
        }
        return new Decision(Role.NONE, (rules.isEmpty() ? "no role rules" : "none of the " + rules.size()
                + " role rules matches host '" + hostname + "'" + (tags.isEmpty() ? "" : " with tags " + sorted(tags)))
                + "; NONE is the default");
    }

    private static String describe(Settings.Rule r) {
        if (r.hostname().isEmpty() && r.tags().isEmpty()) {
            return "every host";
        }
        String d = r.hostname().map(g -> "hostname " + g).orElse("");
        if (!r.tags().isEmpty()) {
            d += (d.isEmpty() ? "" : ", ") + "tags " + r.tags().stream().map(Settings.Tag::name).toList();
        }
        return d;
    }

    private static List<String> sorted(Set<String> tags) {
        return tags.stream().sorted().toList();
    }

    /**
     * This host's name as the kernel has it (what {@code hostname} prints; on Linux
     * /proc/sys/kernel/hostname), without a DNS lookup; elsewhere the platform's name.
     */
    public static String localHostname() {
        try {
            Path proc = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(proc)) {
                return Files.readString(proc).strip();
            }
        } catch (IOException e) {
            // fall through to the platform's name
        }
        String win = System.getenv("COMPUTERNAME");
        if (win != null && !win.isBlank()) {
            return win;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
