package dev.port25.firewall.ufw;

import dev.port25.firewall.RecordedStates;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.iptables.PublishedChain;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.testing.Fixtures;

/** ufw cases: {@code ufw/<case>/status.txt, default-ufw, user.rules, user6.rules}. */
public final class UfwRecordedStates implements RecordedStates {

    static String read(String path) {
        return Fixtures.text("/ufw/" + path);
    }

    @Override
    public UfwState load(String caseName) {
        return UfwAdapter.stateOf(read(caseName + "/status.txt"), read(caseName + "/default-ufw"),
                read(caseName + "/user.rules"), read(caseName + "/user6.rules"), Fixtures.LAYERS_NOT_RECORDED,
                PublishedChain.none(Fixtures.LAYERS_NOT_RECORDED));
    }

    @Override
    public FirewallAdapter adapter() {
        return new UfwAdapter(new CommandRunner());
    }
}
