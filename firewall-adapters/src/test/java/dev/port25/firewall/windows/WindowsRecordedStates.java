package dev.port25.firewall.windows;

import dev.port25.firewall.RecordedStates;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallState;
import dev.port25.firewall.testing.Fixtures;

/**
 * Windows cases: {@code windows/<case>/state.handwritten.json}, written by hand, not recorded (no
 * Windows here; windows/README.md says from what).
 */
public final class WindowsRecordedStates implements RecordedStates {

    @Override
    public FirewallState load(String caseName) {
        return state(caseName);
    }

    static WindowsState state(String caseName) {
        PolicyJson.Read read = PolicyJson.parse(Fixtures.text("/windows/" + caseName + "/state.handwritten.json"));
        return new WindowsState(read.policy(), new WindowsFilter(read.policy(), read.unread()));
    }

    @Override
    public FirewallAdapter adapter() {
        return new WindowsAdapter(new CommandRunner(), "Windows Server 2022");
    }
}
