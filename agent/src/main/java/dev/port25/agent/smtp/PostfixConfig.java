package dev.port25.agent.smtp;

import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A running Postfix's own configuration, read with {@code postconf -c DIR -x -h} (expanded values),
 * and what it says about relay, VRFY, STARTTLS, AUTH and the banner. The configuration directory
 * is the master process's {@code MAIL_CONFIG} ({@code postfix -c DIR start} sets it), else
 * /etc/postfix. Used where a probe from the host itself would be a trusted client.
 *
 * @param dir    the configuration directory, as the master sees it
 * @param values parameter to expanded value
 * @param root   the master's own root file system, through which {@code dir} was read
 *               ({@code /proc/PID/root}), when it is not the agent's (a container's)
 */
public record PostfixConfig(Path dir, Map<String, String> values, Optional<Path> root) {

    /** The parameters read, in this order. */
    static final List<String> KEYS = List.of("mynetworks", "smtpd_relay_restrictions", "smtpd_recipient_restrictions",
            "disable_vrfy_command", "local_recipient_maps", "smtpd_tls_security_level", "smtpd_tls_auth_only",
            "smtpd_sasl_auth_enable", "smtpd_banner", "inet_interfaces", "smtpd_reject_unlisted_recipient");

    public PostfixConfig {
        values = Collections.unmodifiableMap(new TreeMap<>(values));
        Objects.requireNonNull(root, "root");
    }

    /** A configuration read where the agent sees it. */
    public PostfixConfig(Path dir, Map<String, String> values) {
        this(dir, values, Optional.empty());
    }

    /** The configuration directory of the Postfix master {@code pid}, from its environment. */
    public static Path configDir(long pid) {
        try {
            byte[] env = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            for (String kv : new String(env, StandardCharsets.UTF_8).split("\0")) {
                if (kv.startsWith("MAIL_CONFIG=")) {
                    return Path.of(kv.substring("MAIL_CONFIG=".length()));
                }
            }
        } catch (IOException e) {
            // not readable (another user's process without root): the default is all we know
        }
        return Path.of("/etc/postfix");
    }

    /** Reads {@link #KEYS} from the configuration in {@code dir}. */
    public static PostfixConfig read(CommandRunner runner, Path dir) throws IOException {
        List<String> argv = new ArrayList<>(List.of("postconf", "-c", dir.toString(), "-x", "-h"));
        argv.addAll(KEYS);
        CommandResult r;
        try {
            r = runner.run(argv.toArray(String[]::new));
        } catch (CommandException e) {
            throw new IOException("postconf: " + e.getMessage(), e);
        }
        if (!r.ok()) {
            throw new IOException("postconf -c " + dir + ": " + r.describe());
        }
        return parse(dir, r.stdout());
    }

    /** {@code postconf -h} output, one value per line in {@link #KEYS} order. Pure. */
    static PostfixConfig parse(Path dir, String output) {
        String[] lines = output.split("\n", -1);
        Map<String, String> values = new TreeMap<>();
        for (int i = 0; i < KEYS.size(); i++) {
            values.put(KEYS.get(i), i < lines.length ? lines[i].strip() : "");
        }
        return new PostfixConfig(dir, values);
    }

    private List<String> words(String key) {
        List<String> out = new ArrayList<>();
        for (String w : values.getOrDefault(key, "").split("[\\s,]+")) {
            if (!w.isBlank()) {
                out.add(w.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** mynetworks covers every address of a family: every client is a trusted one. */
    public boolean mynetworksIsEveryone() {
        return words("mynetworks").stream().anyMatch(n -> n.equals("0.0.0.0/0") || n.equals("[::]/0")
                || n.equals("::/0") || n.equals("[::/0]"));
    }

    /**
     * Relay for everyone: in the relay restrictions (then the recipient restrictions), before the
     * first reject_unauth_destination / defer_unauth_destination, an unconditional "permit", or
     * permit_mynetworks with a mynetworks that is everyone; or no such barrier at all.
     */
    public Optional<String> openRelayBecause() {
        List<String> all = new ArrayList<>(words("smtpd_relay_restrictions"));
        all.addAll(words("smtpd_recipient_restrictions"));
        for (String w : all) {
            if (w.equals("reject_unauth_destination") || w.equals("defer_unauth_destination")) {
                return Optional.empty();
            }
            if (w.equals("permit")) {
                return Optional.of("an unconditional 'permit' comes before reject_unauth_destination");
            }
            if (w.equals("permit_mynetworks") && mynetworksIsEveryone()) {
                return Optional.of("permit_mynetworks with mynetworks = " + values.get("mynetworks"));
            }
        }
        return Optional.of("neither smtpd_relay_restrictions nor smtpd_recipient_restrictions has "
                + "reject_unauth_destination");
    }

    public boolean vrfyEnabled() {
        return values.getOrDefault("disable_vrfy_command", "no").equalsIgnoreCase("no");
    }

    /** Unknown local recipients are rejected (so RCPT and VRFY tell users apart). */
    public boolean rejectsUnknownLocalUsers() {
        return !values.getOrDefault("local_recipient_maps", "").isBlank();
    }

    /**
     * RCPT TO tells users of the local domains apart: unknown ones are rejected (a lookup table in
     * local_recipient_maps, and smtpd_reject_unlisted_recipient not turned off), known ones
     * accepted, which Postfix does for any client, trusted or not.
     */
    public boolean rcptDisclosesUsers() {
        return rejectsUnknownLocalUsers()
                && !values.getOrDefault("smtpd_reject_unlisted_recipient", "yes").equalsIgnoreCase("no");
    }

    public boolean starttlsOffered() {
        String level = values.getOrDefault("smtpd_tls_security_level", "");
        return level.equals("may") || level.equals("encrypt");
    }

    public boolean authBeforeTls() {
        return values.getOrDefault("smtpd_sasl_auth_enable", "no").equalsIgnoreCase("yes")
                && !values.getOrDefault("smtpd_tls_auth_only", "no").equalsIgnoreCase("yes");
    }

    public String banner() {
        return values.getOrDefault("smtpd_banner", "");
    }
}
