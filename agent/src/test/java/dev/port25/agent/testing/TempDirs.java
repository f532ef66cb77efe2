package dev.port25.agent.testing;

import dev.port25.firewall.testing.Trees;

import java.io.IOException;
import java.nio.file.Path;

/** Temporary folders the tests make. */
public final class TempDirs {

    private TempDirs() {
    }

    /** Deletes {@code dir} and everything in it; nothing when it is gone already. */
    public static void deleteTree(Path dir) throws IOException {
        Trees.delete(dir);
    }
}
