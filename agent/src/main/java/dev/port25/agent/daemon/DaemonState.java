package dev.port25.agent.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The daemon's state file as {@code status} shows it: the file's fields, with {@code running}
 * true only when the file says so and its process is alive (a daemon killed with SIGKILL leaves
 * {@code running: true} behind).
 */
public final class DaemonState {

    private DaemonState() {
    }

    /** The state in {@code stateDir}, or empty when no daemon ever ran there. */
    public static Optional<ObjectNode> read(Path stateDir) {
        Path file = stateDir.resolve(Daemon.STATE_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        ObjectNode n;
        try {
            n = (ObjectNode) new ObjectMapper().readTree(file.toFile());
        } catch (IOException | ClassCastException e) {
            ObjectNode broken = new ObjectMapper().createObjectNode();
            broken.put("running", false);
            broken.put("lastError", file + " cannot be read: " + e.getMessage());
            return Optional.of(broken);
        }
        long pid = n.path("pid").asLong(-1);
        boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        n.put("running", n.path("running").asBoolean(false) && alive);
        return Optional.of(n);
    }

    /** One line for the human status. */
    public static String summary(ObjectNode n) {
        StringBuilder s = new StringBuilder(n.path("running").asBoolean() ? "running (pid " + n.path("pid").asLong()
                + ", mode " + n.path("mode").asText("?") + ")" : "not running (last update " + n.path("updatedAt")
                .asText("unknown") + ")");
        s.append(", last audit ").append(n.path("lastAudit").isTextual() ? n.get("lastAudit").asText() + " "
                + n.path("lastVerdict").asText("") : "none");
        s.append(", last report delivered ").append(n.path("lastReportDelivered").isTextual()
                ? n.get("lastReportDelivered").asText() : "none");
        s.append(", spool ").append(n.path("spoolDepth").asInt()).append(", dropped ")
                .append(n.path("reportsDropped").asLong());
        s.append(n.path("enforcementInPlace").asBoolean() ? ", enforcement in place" : ", no enforcement in place");
        if (n.path("lastError").isTextual()) {
            s.append("; last error: ").append(n.get("lastError").asText());
        }
        return s.toString();
    }
}
