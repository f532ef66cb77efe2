package dev.port25.firewall.iptables;

import dev.port25.firewall.RecordedStates;
import dev.port25.firewall.eval.XtablesSave;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.testing.Fixtures;

import java.util.LinkedHashMap;
import java.util.Map;

/** iptables cases: {@code iptables/<case>/version.txt} and {@code {nft,legacy}-{ipv4,ipv6}.save}. */
public final class IptablesRecordedStates implements RecordedStates {

    static String read(String path) {
        return Fixtures.text("/iptables/" + path);
    }

    @Override
    public IptablesState load(String caseName) {
        IptablesVariant inUse = read(caseName + "/version.txt").contains("(nf_tables)") ? IptablesVariant.NFT
                : IptablesVariant.LEGACY;
        Map<String, XtablesSave.Table> dumps = new LinkedHashMap<>();
        for (IptablesVariant v : IptablesVariant.values()) {
            for (boolean ipv6 : new boolean[] {false, true}) {
                String file = caseName + "/" + v.label() + (ipv6 ? "-ipv6" : "-ipv4") + ".save";
                dumps.put(IptablesState.key(v, ipv6), XtablesSave.parse(read(file).lines().toList()).table("filter"));
            }
        }
        return new IptablesState(inUse, dumps, Map.of(), Fixtures.LAYERS_NOT_RECORDED);
    }

    @Override
    public FirewallAdapter adapter() {
        return new IptablesAdapter(new CommandRunner());
    }
}
