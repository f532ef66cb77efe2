package dev.port25.firewall.exec;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One process to start: an argv list (never a shell string), a timeout after which the process
 * is killed, extra environment variables and optional bytes for its standard input.
 *
 * <p>{@code LC_ALL=C} is always set by the {@link CommandRunner} so that tool output is stable to
 * parse; {@code env} may add variables (for example {@code DBUS_SYSTEM_BUS_ADDRESS}) but cannot
 * change the locale.
 *
 * @param argv    program and arguments; the program is looked up on {@code PATH} when it has no slash
 * @param timeout how long the process may run before it and its descendants are killed
 * @param env     variables added to the inherited environment
 * @param stdin   bytes written to the process's standard input, then closed; empty for none
 */
public record Command(List<String> argv, Duration timeout, Map<String, String> env, byte[] stdin) {

    /** The timeout used when none is given: generous for firewall tools, short enough for a daemon. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public Command {
        argv = List.copyOf(Objects.requireNonNull(argv, "argv"));
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new IllegalArgumentException("argv must name a program");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        env = Map.copyOf(new LinkedHashMap<>(Objects.requireNonNull(env, "env")));
        stdin = Objects.requireNonNull(stdin, "stdin").clone();
    }

    /** A command with the default timeout, no extra environment and no input. */
    public static Command of(String... argv) {
        return new Command(List.of(argv), DEFAULT_TIMEOUT, Map.of(), new byte[0]);
    }

    /** A command with the default timeout, no extra environment and no input. */
    public static Command of(List<String> argv) {
        return new Command(argv, DEFAULT_TIMEOUT, Map.of(), new byte[0]);
    }

    /** This command with another timeout. */
    public Command withTimeout(Duration newTimeout) {
        return new Command(argv, newTimeout, env, stdin);
    }

    /** This command with one more environment variable. */
    public Command withEnv(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(name, value);
        return new Command(argv, timeout, more, stdin);
    }

    /** This command with bytes for its standard input. */
    public Command withStdin(byte[] input) {
        return new Command(argv, timeout, env, input);
    }

    /** The program name, as given. */
    public String program() {
        return argv.get(0);
    }

    @Override
    public byte[] stdin() {
        return stdin.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Command c && argv.equals(c.argv) && timeout.equals(c.timeout)
                && env.equals(c.env) && Arrays.equals(stdin, c.stdin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(argv, timeout, env, Arrays.hashCode(stdin));
    }

    @Override
    public String toString() {
        return String.join(" ", argv);
    }
}
