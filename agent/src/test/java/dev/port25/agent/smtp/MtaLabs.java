package dev.port25.agent.smtp;

import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Netns;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** What the labs of MTAs that conflict with Postfix as packages share: their .deb files, unpacked, and readiness. */
final class MtaLabs {

    private MtaLabs() {
    }

    /** The folder of .deb files is there; under CI=true its absence fails the test, elsewhere it skips it. */
    static void requireDebs(Path debs, String what) {
        Prerequisites.require("dpkg-deb");
        if (!Files.isDirectory(debs)) {
            if (Prerequisites.ci()) {
                throw new AssertionError("the " + what + " .deb files are missing in " + debs + " (.ci/run fetches them)");
            }
            Assumptions.abort("no " + what + " .deb files in " + debs);
        }
    }

    /** Every .deb in {@code debs}, unpacked (dpkg-deb -x) into {@code rootfs}. */
    static void unpack(Path debs, Path rootfs) throws Exception {
        Files.createDirectories(rootfs);
        try (Stream<Path> files = Files.list(debs)) {
            for (Path deb : files.filter(p -> p.toString().endsWith(".deb")).toList()) {
                ok(new CommandRunner().run("dpkg-deb", "-x", deb.toString(), rootfs.toString()));
            }
        }
    }

    /** Waits up to 10 s for a TCP listener on {@code address}:25 in {@code ns}, while {@code alive}. */
    static boolean awaitListener(Netns ns, String address, BooleanSupplier alive) throws Exception {
        for (int i = 0; i < 100 && alive.getAsBoolean(); i++) {
            if (ns.ok("ss", "-Hltn", "src", address, "sport", "= :25").stdout().contains(":25")) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    static void ok(CommandResult r) {
        if (!r.ok()) {
            throw new IllegalStateException(r.describe());
        }
    }
}
