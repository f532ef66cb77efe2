package dev.port25.agent.testing;

import dev.port25.firewall.exec.CommandResult;

/** A container engine's command line as a test drives it ({@link DockerLab}, {@link PodmanLab}). */
abstract class ContainerEngine implements AutoCloseable {

    /** Runs the engine's CLI with {@code args}; its result, whatever the exit code. */
    public abstract CommandResult run(String... args) throws Exception;

    /** The same, failing unless it exits 0; its standard output, stripped. */
    public String ok(String... args) throws Exception {
        return check(run(args)).stdout().strip();
    }

    static CommandResult check(CommandResult r) {
        if (!r.ok()) {
            throw new IllegalStateException(r.describe());
        }
        return r;
    }
}
