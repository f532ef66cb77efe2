package dev.port25.firewall.iptables;

import dev.port25.firewall.RecordedStates;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.spi.FirewallAdapter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** iptables cases: {@code iptables/<case>/version.txt} and {@code {nft,legacy}-{ipv4,ipv6}.save}. */
public final class IptablesRecordedStates implements RecordedStates {

    private static String read(String path) throws IOException {
        try (InputStream in = IptablesRecordedStates.class.getResourceAsStream("/iptables/" + path)) {
            if (in == null) {
                throw new AssertionError("no iptables fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public IptablesState load(String caseName) throws IOException {
        IptablesVariant inUse = read(caseName + "/version.txt").contains("(nf_tables)") ? IptablesVariant.NFT
                : IptablesVariant.LEGACY;
        Map<String, IptablesSave> dumps = new LinkedHashMap<>();
        for (IptablesVariant v : IptablesVariant.values()) {
            for (boolean ipv6 : new boolean[] {false, true}) {
                String file = caseName + "/" + v.label() + (ipv6 ? "-ipv6" : "-ipv4") + ".save";
                dumps.put(IptablesState.key(v, ipv6), IptablesSave.parse(read(file).lines().toList()));
            }
        }
        return new IptablesState(inUse, dumps, Map.of());
    }

    @Override
    public FirewallAdapter adapter() {
        return new IptablesAdapter(new CommandRunner());
    }
}
