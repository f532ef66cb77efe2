package dev.port25.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * {@value #NAME} in the state folder: the daemon writes its {@link DaemonState} there (temp file
 * and rename), {@code status} reads it back, with {@code running} true only when the file says so
 * and its process is alive (a daemon killed with SIGKILL leaves {@code running: true} behind).
 */
public final class StateFile {

    public static final String NAME = "daemon.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StateFile() {
    }

    /** Writes the state atomically. */
    public static void write(Path stateDir, DaemonState state) throws IOException {
        Files.createDirectories(stateDir);
        Path tmp = stateDir.resolve(NAME + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(state.toJson()));
        Files.move(tmp, stateDir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** What {@code status} found in the state folder. */
    public sealed interface Read {
        /** As {@code status --json} shows it under "daemon". */
        ObjectNode toJson();

        /** One line for the human status. */
        String summary();

        /** The state the daemon wrote, {@code running} only while its process lives. */
        record Found(DaemonState state) implements Read {
            @Override
            public ObjectNode toJson() {
                return state.toJson();
            }

            @Override
            public String summary() {
                return state.summary();
            }
        }

        /** A file that is not the daemon's state (cut short, or not JSON): not running, and why. */
        record Unreadable(String why) implements Read {
            @Override
            public ObjectNode toJson() {
                ObjectNode n = JSON.createObjectNode();
                n.put("running", false);
                n.put("lastError", why);
                return n;
            }

            @Override
            public String summary() {
                return "not running (last update unknown), last audit none, last report delivered none, spool 0, "
                        + "dropped 0, no enforcement in place; last error: " + why;
            }
        }
    }

    /** The state in {@code stateDir}, or empty when no daemon ever ran there. */
    public static Optional<Read> read(Path stateDir) {
        Path file = stateDir.resolve(NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            return Optional.of(new Read.Unreadable(file + " cannot be read: " + e.getMessage()));
        }
        if (n == null || !n.isObject()) {
            return Optional.of(new Read.Unreadable(file + " cannot be read: not a JSON object"));
        }
        DaemonState s = DaemonState.fromJson(n);
        boolean alive = s.pid() > 0 && ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false);
        return Optional.of(new Read.Found(s.withRunning(s.running() && alive)));
    }
}
