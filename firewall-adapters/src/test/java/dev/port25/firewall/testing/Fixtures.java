package dev.port25.firewall.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Recorded tool output and golden files kept as test resources. */
public final class Fixtures {

    private Fixtures() {
    }

    /** The UTF-8 text of the classpath resource {@code path} ("/nftables/port25-open/ruleset.json"). */
    public static String text(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new AssertionError("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read test resource " + path, e);
        }
    }
}
