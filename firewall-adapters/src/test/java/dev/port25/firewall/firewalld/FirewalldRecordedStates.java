package dev.port25.firewall.firewalld;

import dev.port25.firewall.RecordedStates;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.testing.Fixtures;

/** firewalld cases: {@code firewalld/<case>/default-zone.txt, runtime-zones.txt, permanent-zones.txt}. */
public final class FirewalldRecordedStates implements RecordedStates {

    static String read(String path) {
        return Fixtures.text("/firewalld/" + path);
    }

    @Override
    public FirewalldState load(String caseName) {
        return new FirewalldState(true, read(caseName + "/default-zone.txt").strip(),
                FirewalldZones.parse(read(caseName + "/runtime-zones.txt")),
                FirewalldZones.parse(read(caseName + "/permanent-zones.txt")), java.util.List.of(), java.util.List.of(),
                Fixtures.LAYERS_NOT_RECORDED);
    }

    @Override
    public FirewallAdapter adapter() {
        return new FirewalldAdapter(new CommandRunner());
    }
}
