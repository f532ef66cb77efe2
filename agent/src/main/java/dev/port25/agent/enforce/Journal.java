package dev.port25.agent.enforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.port25.agent.platform.SecretFiles;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the agent has put in place, on disk ({@code enforcement.json} in the state directory,
 * {@code /var/lib/port25-agent} by default), so that {@code undo} removes exactly the agent's
 * rules after a restart or a change of settings (another backend pinned, other ports): the
 * backend they are in, and the desired state they implement. Written before a plan is applied
 * (so a crash mid-apply still leaves the backend on record) and again after; replaced
 * atomically (temporary file, fsync, rename); removed once undo has converged.
 *
 * @param backend  the backend holding the agent's rules
 * @param desired  the desired state last applied (or being applied, when {@code complete} is false)
 * @param complete the apply finished and converged
 * @param at       when it was written
 */
public record Journal(String backend, Desired desired, boolean complete, Instant at) {

    public static final String FILE = "enforcement.json";
    public static final String SCHEMA = "port25-agent/enforcement/v1";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The journal in {@code dir}, if there is one. */
    public static Optional<Journal> read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(Files.readString(f));
        } catch (IOException e) {
            throw new IOException(f + ": not a readable enforcement journal: " + e.getMessage(), e);
        }
        if (n == null || !SCHEMA.equals(n.path("schema").asText())) {
            throw new IOException(f + ": not an enforcement journal (schema " + SCHEMA + ")");
        }
        try {
            Map<Integer, Inbound> in = new TreeMap<>();
            n.path("inbound").fields().forEachRemaining(e -> in.put(Integer.parseInt(e.getKey()), inbound(e.getValue())));
            Map<Integer, Outbound> out = new TreeMap<>();
            n.path("outbound").fields().forEachRemaining(e -> out.put(Integer.parseInt(e.getKey()),
                    new Outbound.BlockedExcept(cidrs(e.getValue().path("relays")))));
            return Optional.of(new Journal(n.path("backend").asText(), new Desired(in, out), n.path("complete").asBoolean(),
                    Instant.parse(n.path("at").asText())));
        } catch (RuntimeException e) {
            throw new IOException(f + ": a damaged enforcement journal: " + e.getMessage(), e);
        }
    }

    private static Inbound inbound(JsonNode n) {
        return switch (n.path("state").asText()) {
            case "OPEN" -> new Inbound.Open();
            case "CLOSED" -> new Inbound.Closed();
            case "ALLOW_FROM" -> new Inbound.AllowFrom(cidrs(n.path("networks")));
            default -> throw new IllegalArgumentException("unknown inbound state " + n.path("state"));
        };
    }

    private static List<Cidr> cidrs(JsonNode array) {
        List<Cidr> out = new ArrayList<>();
        array.forEach(c -> out.add(Cidr.parse(c.asText())));
        return out;
    }

    /** Writes this journal to {@code dir} atomically (creating the folder, mode 0700, and its missing parents). */
    public void write(Path dir) throws IOException {
        SecretFiles.privateDirectory(dir);
        ObjectNode n = MAPPER.createObjectNode();
        n.put("schema", SCHEMA);
        n.put("backend", backend);
        n.put("complete", complete);
        n.put("at", at.toString());
        ObjectNode in = n.putObject("inbound");
        desired.tcpInbound().forEach((port, i) -> {
            ObjectNode p = in.putObject(Integer.toString(port));
            if (i instanceof Inbound.AllowFrom a) {
                p.put("state", "ALLOW_FROM");
                ArrayNode nets = p.putArray("networks");
                a.networks().forEach(c -> nets.add(c.toString()));
            } else {
                p.put("state", i instanceof Inbound.Closed ? "CLOSED" : "OPEN");
            }
        });
        ObjectNode out = n.putObject("outbound");
        desired.tcpOutbound().forEach((port, o) -> {
            if (o instanceof Outbound.BlockedExcept b) {
                ArrayNode relays = out.putObject(Integer.toString(port)).put("state", "BLOCKED_EXCEPT").putArray("relays");
                b.relays().forEach(c -> relays.add(c.toString()));
            }
        });
        Path tmp = dir.resolve(FILE + ".tmp");
        byte[] bytes = (MAPPER.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself
        } catch (IOException e) {
            // some file systems cannot sync a directory; the file itself is synced
        }
    }

    /** Removes the journal from {@code dir}: the agent has nothing in place any more. */
    public static void clear(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(FILE));
    }
}
