package dev.port25.firewall.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real-system tests need root and some programs. Outside CI a missing prerequisite skips the
 * test with the reason; with {@code CI=true} it fails the test, so CI never skips silently.
 */
public final class Prerequisites {

    private Prerequisites() {
    }

    /** True when running under CI ({@code CI=true}). */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Requires root and each program (absolute paths, or names looked up on PATH). */
    public static void require(String... programs) {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("root (network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN)");
        }
        for (String p : programs) {
            if (find(p) == null) {
                missing.add(p);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "real-system test prerequisites missing: " + String.join(", ", missing)
                + " (.ci/run installs them)";
        if (ci()) {
            throw new AssertionError("CI=true and " + message);
        }
        Assumptions.abort(message);
    }

    /** The absolute path of a program, or null. */
    public static Path find(String program) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.isExecutable(p) ? p : null;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    public static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (Exception e) {
            return false;
        }
    }
}
