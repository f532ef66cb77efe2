package dev.port25.firewall.ufw;

import dev.port25.firewall.RecordedStates;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** ufw cases: {@code ufw/<case>/status.txt, default-ufw, user.rules, user6.rules}. */
public final class UfwRecordedStates implements RecordedStates {

    static String read(String path) throws IOException {
        try (InputStream in = UfwRecordedStates.class.getResourceAsStream("/ufw/" + path)) {
            if (in == null) {
                throw new AssertionError("no ufw fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public UfwState load(String caseName) throws IOException {
        return UfwAdapter.stateOf(read(caseName + "/status.txt"), read(caseName + "/default-ufw"),
                read(caseName + "/user.rules"), read(caseName + "/user6.rules"));
    }

    @Override
    public FirewallAdapter adapter() {
        return new UfwAdapter(new CommandRunner());
    }
}
