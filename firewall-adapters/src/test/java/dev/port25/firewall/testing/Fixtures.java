package dev.port25.firewall.testing;

import dev.port25.firewall.eval.PacketFilter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Recorded tool output and golden files kept as test resources. */
public final class Fixtures {

    private Fixtures() {
    }

    /**
     * The packet filter of a recorded adapter state: the adapter cases record their own backend's
     * output only, so the other layers are not known and every verdict is UNKNOWN (the recorded
     * cases of the whole packet filter are under {@code eval/}).
     */
    public static final PacketFilter LAYERS_NOT_RECORDED =
            PacketFilter.notRead("recorded adapter case: the other layers were not recorded");

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
