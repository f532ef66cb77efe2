package dev.port25.agent.inventory.linux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.agent.inventory.Container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which container a process runs in: the runtime and id from its control group
 * ({@code /proc/<pid>/cgroup}, v1 or v2, either cgroup manager), then the name and image from the
 * runtime's own state, read only: Docker's {@code containers/<id>/config.v2.json}, Podman's
 * {@code storage/overlay-containers/containers.json}. LXC and nspawn containers are named in the
 * control group itself; a Kubernetes pod's container is known by id only.
 */
final class ContainerIdentity {

    private static final String HEX64 = "([0-9a-f]{64})";
    /** A control group path segment that names a container, and its runtime. */
    private static final List<Map.Entry<Pattern, String>> SEGMENTS = List.of(
            Map.entry(Pattern.compile("docker-" + HEX64 + "\\.scope"), "docker"),
            Map.entry(Pattern.compile("libpod-(?:payload-)?" + HEX64 + "(?:\\.scope)?"), "podman"),
            Map.entry(Pattern.compile("(?:cri-containerd|nerdctl)-" + HEX64 + "\\.scope"), "containerd"),
            Map.entry(Pattern.compile("crio-" + HEX64 + "(?:\\.scope)?"), "cri-o"),
            Map.entry(Pattern.compile("lxc\\.payload\\.(.+)"), "lxc"),
            Map.entry(Pattern.compile("systemd-nspawn@(.+)\\.service"), "systemd-nspawn"),
            // a machine registered with systemd-machined without a unit of its own (nspawn run by hand)
            Map.entry(Pattern.compile("machine-(.+)\\.scope"), "machine"));
    private static final Pattern BARE = Pattern.compile(HEX64);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The runtime and id a control group names. */
    record Match(String runtime, String id) {
    }

    private final Path proc;
    private final Path root;
    private final Map<Long, Optional<Container>> byPid = new HashMap<>();
    private Map<String, JsonNode> podman;

    /**
     * @param proc the host's {@code /proc}
     * @param root where the runtimes' state directories are ({@code /} on a host)
     */
    ContainerIdentity(Path proc, Path root) {
        this.proc = proc;
        this.root = root;
    }

    /** The container {@code pid} runs in; empty for a process of the host or one that exited. */
    Optional<Container> of(long pid) {
        return byPid.computeIfAbsent(pid, p -> {
            try {
                return fromCgroup(Files.readString(proc.resolve(p + "/cgroup"))).map(this::named);
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    /** The container a {@code /proc/<pid>/cgroup} file names, from its innermost segment that names one. */
    static Optional<Match> fromCgroup(String cgroupFile) {
        for (String line : cgroupFile.split("\n")) {
            int colon = line.indexOf(':', line.indexOf(':') + 1);
            if (colon < 0) {
                continue;
            }
            String[] segments = line.substring(colon + 1).split("/");
            for (int i = segments.length - 1; i > 0; i--) {
                Optional<Match> m = segment(segments, i);
                if (m.isPresent()) {
                    return m;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Match> segment(String[] segments, int i) {
        String s = segments[i];
        for (Map.Entry<Pattern, String> e : SEGMENTS) {
            Matcher m = e.getKey().matcher(s);
            if (m.matches()) {
                return Optional.of(new Match(e.getValue(), unescape(m.group(1))));
            }
        }
        String parent = segments[i - 1];
        if (parent.equals("lxc") || parent.equals("lxc.payload")) {
            return Optional.of(new Match("lxc", s));
        }
        if (BARE.matcher(s).matches()) {
            if (parent.equals("docker")) {
                return Optional.of(new Match("docker", s));
            }
            if (parent.equals("default") && segments.length == 3) { // containerd's own namespace "default" (nerdctl, ctr)
                return Optional.of(new Match("containerd", s));
            }
            if (parent.startsWith("pod") && String.join("/", segments).contains("kubepods")) {
                return Optional.of(new Match("kubernetes", s));
            }
        }
        return Optional.empty();
    }

    /** systemd's unit name escaping ("\x2d" for "-"). */
    private static String unescape(String s) {
        if (!s.contains("\\x")) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\x", i) && i + 4 <= s.length()) {
                try {
                    out.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
                    i += 3;
                    continue;
                } catch (NumberFormatException ignored) {
                    // not an escape
                }
            }
            out.append(s.charAt(i));
        }
        return out.toString();
    }

    private Container named(Match m) {
        return switch (m.runtime()) {
            case "docker" -> docker(m.id());
            case "podman" -> podman(m.id());
            case "lxc", "systemd-nspawn", "machine" -> new Container(m.runtime(), m.id(), Optional.of(m.id()), Optional.empty());
            default -> new Container(m.runtime(), m.id(), Optional.empty(), Optional.empty());
        };
    }

    /** Docker's {@code /var/lib/docker/containers/<id>/config.v2.json}: "Name": "/mail", "Config": {"Image": ...}. */
    private Container docker(String id) {
        Path config = root.resolve("var/lib/docker/containers").resolve(id).resolve("config.v2.json");
        try {
            JsonNode c = JSON.readTree(config.toFile());
            String name = c.path("Name").asText("");
            return new Container("docker", id, name.isEmpty() ? Optional.empty()
                    : Optional.of(name.startsWith("/") ? name.substring(1) : name), text(c.path("Config").path("Image")));
        } catch (IOException e) {
            return new Container("docker", id, Optional.empty(), Optional.empty());
        }
    }

    /**
     * Podman's containers/storage list, {@code overlay-containers/containers.json}: each entry's
     * "id", "names", and "metadata" (a JSON string whose "image-name" is the image). Read once.
     */
    private Container podman(String id) {
        if (podman == null) {
            podman = new HashMap<>();
            Path list = root.resolve("var/lib/containers/storage/overlay-containers/containers.json");
            try {
                for (JsonNode c : JSON.readTree(list.toFile())) {
                    podman.put(c.path("id").asText(), c);
                }
            } catch (IOException e) {
                // rootless, another storage driver, or not readable: known by id only
            }
        }
        JsonNode c = podman.get(id);
        if (c == null) {
            return new Container("podman", id, Optional.empty(), Optional.empty());
        }
        Optional<String> image = Optional.empty();
        try {
            image = text(JSON.readTree(c.path("metadata").asText("{}")).path("image-name"));
        } catch (IOException e) {
            // metadata that is not JSON: no image name
        }
        return new Container("podman", id, text(c.path("names").path(0)), image);
    }

    private static Optional<String> text(JsonNode n) {
        return n.isTextual() && !n.asText().isEmpty() ? Optional.of(n.asText()) : Optional.empty();
    }
}
