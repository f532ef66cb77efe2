package dev.port25.firewall.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The short digest adapters put in the comment of every rule they add, computed over the whole
 * rendering of their rules (without comments). Reading the comments back tells exactly which
 * rendering is in place, so the same desired state plans nothing and any change (a network added
 * to ALLOW_FROM, a rule deleted by hand) plans a rewrite.
 */
public final class RuleDigest {

    private RuleDigest() {
    }

    /** The first 12 hex digits of the SHA-256 of {@code rendering}. */
    public static String of(String rendering) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(rendering.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
