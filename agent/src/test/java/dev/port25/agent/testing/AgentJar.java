package dev.port25.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The built {@code port25-agent.jar} (failsafe passes its path as {@code port25.jar}), copied
 * with test resources into a world-readable temporary folder so that an unprivileged user can
 * run it even where the checkout sits under a private home directory.
 */
public final class AgentJar implements AutoCloseable {

    private final Path dir;

    private AgentJar(Path dir) {
        this.dir = dir;
    }

    public static AgentJar copy() throws IOException {
        String built = System.getProperty("port25.jar");
        if (built == null || !Files.isRegularFile(Path.of(built))) {
            throw new IllegalStateException("system property port25.jar must name the built jar (run through "
                    + "'mvnw verify'); got " + built);
        }
        Path dir = Files.createTempDirectory("port25-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.copy(Path.of(built), dir.resolve("port25-agent.jar"), StandardCopyOption.REPLACE_EXISTING);
        AgentJar jar = new AgentJar(dir);
        jar.resource("/netns/listeners.py");
        dir.resolve("port25-agent.jar").toFile().setReadable(true, false);
        return jar;
    }

    /** Copies a classpath resource into the folder (world-readable) and returns its path. */
    public Path resource(String name) throws IOException {
        Path target = dir.resolve(Path.of(name).getFileName().toString());
        try (InputStream in = AgentJar.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return target;
    }

    public Path path() {
        return dir.resolve("port25-agent.jar");
    }

    public Path dir() {
        return dir;
    }

    /** argv that runs the agent with the test's own JDK. */
    public List<String> argv(String... args) {
        return argvWithJvmOptions(List.of(), args);
    }

    /** argv that runs the agent with the test's own JDK and the given JVM options. */
    public List<String> argvWithJvmOptions(List<String> jvmOptions, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(jvmOptions);
        argv.add("-jar");
        argv.add(path().toString());
        argv.addAll(List.of(args));
        return argv;
    }

    /**
     * Runs the agent inside {@code where} (2 minutes at most) and reads the JSON document it
     * printed, with its exit code added as {@code exitCode}.
     */
    public JsonNode json(Netns where, String... args)
            throws Exception {
        return json(where, List.of(), args);
    }

    /** {@link #json(dev.port25.firewall.testing.Netns, String...)} with JVM options. */
    public JsonNode json(Netns where,
                                                        List<String> jvmOptions, String... args) throws Exception {
        List<String> argv = new ArrayList<>(where.inside(List.of()));
        argv.addAll(argvWithJvmOptions(jvmOptions, args));
        CommandResult r = new CommandRunner().run(
                Command.of(argv).withTimeout(Duration.ofSeconds(120)));
        if (!r.stdout().startsWith("{")) {
            throw new AssertionError("the agent printed no JSON document: " + r.describe());
        }
        ObjectNode doc = (ObjectNode)
                new ObjectMapper().readTree(r.stdout());
        doc.put("exitCode", r.exitCode());
        return doc;
    }

    @Override
    public void close() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
