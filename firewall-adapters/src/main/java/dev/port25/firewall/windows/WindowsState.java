package dev.port25.firewall.windows;

import dev.port25.firewall.spi.FirewallState;
import dev.port25.firewall.windows.WindowsPolicy.FwRule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One read of Windows Defender Firewall: the ActiveStore's profiles, rules and connections, and
 * its verdicts.
 *
 * @param policy       what was read
 * @param packetFilter its evaluation
 */
record WindowsState(WindowsPolicy policy, WindowsFilter packetFilter) implements FirewallState {

    @Override
    public String backend() {
        return WindowsAdapter.ID;
    }

    /** The agent's rules, by name, in the order read. */
    Map<String, FwRule> owned() {
        Map<String, FwRule> out = new LinkedHashMap<>();
        for (FwRule r : policy.rules()) {
            if (OwnedRules.owned(r)) {
                out.put(r.name(), r);
            }
        }
        return out;
    }

    @Override
    public List<String> ownedRules() {
        return owned().values().stream().map(OwnedRules::line).toList();
    }
}
