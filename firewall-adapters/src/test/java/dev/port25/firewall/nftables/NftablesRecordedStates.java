package dev.port25.firewall.nftables;

import dev.port25.firewall.RecordedStates;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallState;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** nftables cases: {@code nftables/<case>/ruleset.json}. */
public final class NftablesRecordedStates implements RecordedStates {

    @Override
    public FirewallState load(String caseName) throws Exception {
        try (InputStream in = NftablesRecordedStates.class.getResourceAsStream("/nftables/" + caseName + "/ruleset.json")) {
            if (in == null) {
                throw new AssertionError("no nftables fixture for case " + caseName);
            }
            return new NftablesState(NftJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
    }

    @Override
    public FirewallAdapter adapter() {
        return new NftablesAdapter(new CommandRunner());
    }
}
