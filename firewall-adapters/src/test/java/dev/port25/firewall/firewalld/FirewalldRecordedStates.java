package dev.port25.firewall.firewalld;

import dev.port25.firewall.RecordedStates;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** firewalld cases: {@code firewalld/<case>/default-zone.txt, runtime-zones.txt, permanent-zones.txt}. */
public final class FirewalldRecordedStates implements RecordedStates {

    private static String read(String path) throws IOException {
        try (InputStream in = FirewalldRecordedStates.class.getResourceAsStream("/firewalld/" + path)) {
            if (in == null) {
                throw new AssertionError("no firewalld fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public FirewalldState load(String caseName) throws IOException {
        return new FirewalldState(true, read(caseName + "/default-zone.txt").strip(),
                FirewalldZones.parse(read(caseName + "/runtime-zones.txt")),
                FirewalldZones.parse(read(caseName + "/permanent-zones.txt")));
    }

    @Override
    public FirewallAdapter adapter() {
        return new FirewalldAdapter(new CommandRunner());
    }
}
