package dev.port25.firewall.eval;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;

/**
 * The packet filters of the cases {@link VerdictTruthIT} recorded from real tools (folders under
 * {@code eval/} in this test-jar), for tests elsewhere (the agent's policy tables) that need a
 * firewall state that really occurred rather than one made up.
 */
public final class RecordedFilters {

    private RecordedFilters() {
    }

    /** The packet filter built from the recorded outputs of case {@code name} (e.g. "no-rules"). */
    public static PacketFilter load(String name) throws IOException {
        URL url = RecordedFilters.class.getResource("/eval/" + name + "/source.txt");
        if (url == null) {
            throw new IllegalArgumentException("no recorded case eval/" + name);
        }
        try {
            URI uri = url.toURI();
            if (uri.getScheme().equals("jar")) { // the test-jar as a reactor dependency
                try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
                    return PacketFilterReader.build(PacketFilterCasesTest.snapshot(fs.provider().getPath(uri).getParent()));
                }
            }
            return PacketFilterReader.build(PacketFilterCasesTest.snapshot(Path.of(uri).getParent()));
        } catch (URISyntaxException e) {
            throw new IOException("recorded case " + name + ": " + url, e);
        }
    }
}
