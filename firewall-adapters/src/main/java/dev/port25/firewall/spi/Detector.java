package dev.port25.firewall.spi;

import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of {@link FirewallAdapter#detect()} every backend shares: its probe commands run
 * through the one {@link CommandRunner}; a missing program becomes
 * {@link Detection#notInstalled}, a program that cannot be run {@link Detection#unusable}, a
 * version command that does not show a version "not installed" with what it said. Each backend
 * gives only its program, its package, and what its probe does once the tool answered.
 * {@link #detect} never throws a {@link CommandException}.
 */
public final class Detector {

    /** A backend's probe: runs its commands and says what it found. */
    @FunctionalInterface
    public interface Probe {
        Detection run() throws CommandException;
    }

    /** A backend's probe once its version command matched: {@code version} holds the match. */
    @FunctionalInterface
    public interface VersionedProbe {
        Detection run(Matcher version) throws CommandException;
    }

    private final String backend;
    private final CommandRunner runner;
    private final String program;
    private final String debianPackage;

    /**
     * @param backend       the backend id
     * @param runner        the runner the backend's commands go through
     * @param program       the program whose absence means "not installed" ("nft", "firewall-cmd")
     * @param debianPackage the package that installs it, for the operator
     */
    public Detector(String backend, CommandRunner runner, String program, String debianPackage) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.program = Objects.requireNonNull(program, "program");
        this.debianPackage = Objects.requireNonNull(debianPackage, "debianPackage");
    }

    /** Runs {@code probe}; a program not found is "not installed", any other command failure "unusable". */
    public Detection detect(Probe probe) {
        try {
            return probe.run();
        } catch (CommandException.NotFound e) {
            return Detection.notInstalled(backend, program, debianPackage);
        } catch (CommandException e) {
            return Detection.unusable(backend, e);
        }
    }

    /**
     * Runs {@code versionArgv} ({@code nft --version}) and, when it succeeds and its output
     * matches {@code version}, {@code then} with the match; otherwise the backend is not installed,
     * and the detail is the command and what it said. Failures as in {@link #detect(Probe)}.
     */
    public Detection detect(List<String> versionArgv, Pattern version, VersionedProbe then) {
        return detect(() -> {
            CommandResult r = runner.run(versionArgv.toArray(String[]::new));
            Matcher m = version.matcher(r.stdout());
            if (!r.ok() || !m.find()) {
                return new Detection(backend, false, false, Optional.empty(),
                        String.join(" ", versionArgv) + ": " + r.describe());
            }
            return then.run(m);
        });
    }
}
