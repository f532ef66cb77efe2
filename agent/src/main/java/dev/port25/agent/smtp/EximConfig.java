package dev.port25.agent.smtp;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.exec.Conversation;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A running Exim's own configuration, read with {@code exim -bP} through the binary the daemon
 * runs ({@code /proc/PID/exe}) and the configuration file it was started with ({@code -C} on its
 * command line, else the binary's compiled-in default): relay_from_hosts, tls_advertise_hosts,
 * smtp_banner, and the VRFY and EXPN ACLs.
 *
 * @param binary the exim binary
 * @param file   the configuration file, when given with -C
 * @param values option to value, as exim -bP prints it (unexpanded)
 */
public record EximConfig(Path binary, Optional<Path> file, Map<String, String> values) {

    public EximConfig {
        values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** Reads the configuration of the exim daemon {@code pid}. */
    public static EximConfig read(CommandRunner runner, long pid) throws IOException {
        Path binary = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));
        String[] args = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                StandardCharsets.UTF_8).split("\0");
        Optional<Path> file = Optional.empty();
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("-C")) {
                file = Optional.of(Path.of(args[i + 1]));
            }
        }
        List<String> base = new ArrayList<>(List.of(binary.toString()));
        file.ifPresent(f -> base.addAll(List.of("-C", f.toString())));
        Map<String, String> values = new TreeMap<>();
        values.putAll(parse(bp(runner, base, List.of("tls_advertise_hosts", "smtp_banner", "acl_smtp_vrfy",
                "acl_smtp_expn"))));
        values.putAll(parse(bp(runner, base, List.of("+relay_from_hosts")))); // a named list: "-bP +name"
        return new EximConfig(binary, file, values);
    }

    private static String bp(CommandRunner runner, List<String> base, List<String> what) throws IOException {
        List<String> argv = new ArrayList<>(base);
        argv.add("-bP");
        argv.addAll(what);
        try {
            CommandResult r = runner.run(argv.toArray(String[]::new));
            if (!r.ok() && !r.stdout().contains("=")) {
                throw new IOException("exim -bP " + String.join(" ", what) + ": " + r.describe());
            }
            return r.stdout();
        } catch (CommandException e) {
            throw new IOException("exim: " + e.getMessage(), e);
        }
    }

    /** "name = value" lines ("hostlist name = value" for named lists). Pure. */
    static Map<String, String> parse(String output) {
        Map<String, String> out = new TreeMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf(" = ");
            if (eq > 0) {
                String key = line.substring(0, eq).strip().replaceFirst("^(hostlist|domainlist) ", "");
                out.put(key, line.substring(eq + 3).strip());
            } else if (line.strip().endsWith(" =")) {
                out.put(line.strip().replaceFirst(" =$", "").replaceFirst("^(hostlist|domainlist) ", ""), "");
            }
        }
        return out;
    }

    /** relay_from_hosts lets every address relay. */
    public Optional<String> openRelayBecause() {
        String hosts = values.getOrDefault("relay_from_hosts", "");
        for (String h : hosts.replaceFirst("^<(.)", "").split("[:;\\s]+")) {
            if (h.equals("*") || h.equals("0.0.0.0/0") || h.equals("::/0") || h.equals("::::0/0")) {
                return Optional.of("relay_from_hosts = " + hosts);
            }
        }
        return Optional.empty();
    }

    /**
     * A documentation address (RFC 5737 / RFC 3849) for Exim to judge as a client from outside:
     * no relay or trust list has a reason to name it.
     */
    public static String outsider(boolean ipv6) {
        return ipv6 ? "2001:db8::1" : "192.0.2.1";
    }

    /**
     * Sessions with this Exim as if from {@code client}: {@code exim [-C FILE] -bh CLIENT -oMs NAME}
     * runs the configuration's real ACLs for that client over the process's pipes, delivers
     * nothing, skips callouts, and with {@code -oMs} looks up no host name, so nothing leaves the
     * host. Each session is one process, stopped by pid when the session closes.
     */
    public SmtpProbe.Connector hostCheck(CommandRunner runner, String client, SmtpReader.Limits limits) {
        List<String> argv = new ArrayList<>(List.of(binary.toString()));
        file.ifPresent(f -> argv.addAll(List.of("-C", f.toString())));
        argv.addAll(List.of("-bh", client, "-oMs", "port25-agent.invalid"));
        Command command = Command.of(argv).withTimeout(HOST_CHECK_TIMEOUT);
        return () -> {
            Conversation c;
            try {
                c = runner.converse(command, Duration.ofMillis(250));
            } catch (CommandException e) {
                throw new IOException("exim -bh: " + e.getMessage(), e);
            }
            return SmtpSession.over(new SkipPreamble(c.output()), c.input(), c, limits);
        };
    }

    private static final Duration HOST_CHECK_TIMEOUT = Duration.ofSeconds(60);

    /**
     * {@code exim -bh} first prints a few lines of its own ("**** SMTP testing session as if
     * from host ..."); the session starts with the first line that begins with a digit. At most
     * 4 KiB are skipped.
     */
    static final class SkipPreamble extends FilterInputStream {
        private static final int MAX_SKIP = 4096;
        private boolean inSession;
        private boolean lineStart = true;
        private int skipped;

        SkipPreamble(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (!inSession) {
                int c = in.read();
                if (c < 0) {
                    return -1;
                }
                if (lineStart && c >= '0' && c <= '9') {
                    inSession = true;
                    b[off] = (byte) c;
                    return 1;
                }
                lineStart = c == '\n';
                if (++skipped > MAX_SKIP) {
                    throw new SmtpProtocolException(SmtpProtocolException.Kind.MALFORMED,
                            "exim -bh printed more than " + MAX_SKIP + " bytes before its greeting");
                }
            }
            return in.read(b, off, len);
        }
    }

    public boolean starttlsOffered() {
        return !values.getOrDefault("tls_advertise_hosts", "").isBlank();
    }

    public String banner() {
        return values.getOrDefault("smtp_banner", "");
    }
}
