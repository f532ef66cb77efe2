package dev.port25.firewall.nftables;

import dev.port25.firewall.RecordedStates;
import dev.port25.firewall.eval.NftJson;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallState;
import dev.port25.firewall.testing.Fixtures;

/** nftables cases: {@code nftables/<case>/ruleset.json}. */
public final class NftablesRecordedStates implements RecordedStates {

    @Override
    public FirewallState load(String caseName) {
        return new NftablesState(NftJson.parse(Fixtures.text("/nftables/" + caseName + "/ruleset.json")), Fixtures.LAYERS_NOT_RECORDED);
    }

    @Override
    public FirewallAdapter adapter() {
        return new NftablesAdapter(new CommandRunner());
    }
}
