package dev.port25.firewall.firewalld;

import dev.port25.firewall.RecordedStates;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.nftables.PublishedTable;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallException;
import dev.port25.firewall.testing.Fixtures;

/** firewalld cases: {@code firewalld/<case>/state.json}, what the adapter's reader printed. */
public final class FirewalldRecordedStates implements RecordedStates {

    /** The cases recorded firewalld's configuration, not the nft ruleset with the agent's own table. */
    static final PublishedTable.State NFT_NOT_RECORDED = PublishedTable.unread("recorded adapter case: the nft ruleset "
            + "was not recorded");

    static String read(String path) {
        return Fixtures.text("/firewalld/" + path);
    }

    @Override
    public FirewalldState load(String caseName) {
        try {
            FirewalldZones.Config c = FirewalldZones.parse(read(caseName + "/state.json"));
            return new FirewalldState(true, c.defaultZone(), c.runtime(), c.permanent(), c.direct(), c.directPermanent(),
                    Fixtures.LAYERS_NOT_RECORDED,
                    FirewalldRecordedStates.NFT_NOT_RECORDED);
        } catch (FirewallException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public FirewallAdapter adapter() {
        return new FirewalldAdapter(new CommandRunner());
    }
}
