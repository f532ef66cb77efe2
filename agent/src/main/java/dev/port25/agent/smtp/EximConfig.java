package dev.port25.agent.smtp;

import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
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

    public boolean starttlsOffered() {
        return !values.getOrDefault("tls_advertise_hosts", "").isBlank();
    }

    public String banner() {
        return values.getOrDefault("smtp_banner", "");
    }
}
