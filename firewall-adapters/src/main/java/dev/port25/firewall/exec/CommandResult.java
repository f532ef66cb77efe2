package dev.port25.firewall.exec;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a finished process did. A non-zero exit code is data, not an exception: callers decide
 * what a given code means for their tool.
 *
 * @param argv      the argv that ran
 * @param exitCode  the process's exit status
 * @param stdout    standard output, decoded as UTF-8
 * @param stderr    standard error, decoded as UTF-8
 * @param elapsed   wall time from start to exit
 * @param truncated true when output beyond {@link CommandRunner#MAX_OUTPUT_BYTES} was discarded
 */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr,
                            Duration elapsed, boolean truncated) {

    public CommandResult {
        argv = List.copyOf(argv);
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** True when the process exited with status 0. */
    public boolean ok() {
        return exitCode == 0;
    }

    /** Standard output split into lines, without line terminators. */
    public List<String> stdoutLines() {
        return stdout.isEmpty() ? List.of() : stdout.lines().toList();
    }

    /** A one-line description for error messages: the command, its status and the first stderr line. */
    public String describe() {
        String firstErr = stderr.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        return "'" + String.join(" ", argv) + "' exited " + exitCode
                + (firstErr.isEmpty() ? "" : ": " + firstErr.strip());
    }
}
