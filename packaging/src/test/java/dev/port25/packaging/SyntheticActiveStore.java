package dev.port25.packaging;

/**
 * A read of the ActiveStore as the adapter's state script gives it (the format of
 * firewall-adapters' hand-written fixtures, src/test/resources/windows/README.md), made up to a
 * size: {@code n} rules, each with its eight filters, ids and names as long as Windows' (GUIDs,
 * "... (TCP-In)"), a mix of allows and blocks, ports, address lists and programs. Not a
 * recording; only its size and shape matter.
 */
final class SyntheticActiveStore {

    private SyntheticActiveStore() {
    }

    static String json(int n) {
        StringBuilder rules = new StringBuilder();
        StringBuilder ports = new StringBuilder();
        StringBuilder addresses = new StringBuilder();
        StringBuilder apps = new StringBuilder();
        StringBuilder services = new StringBuilder();
        StringBuilder ifaces = new StringBuilder();
        StringBuilder types = new StringBuilder();
        StringBuilder security = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String sep = i == 0 ? "" : ",";
            String id = String.format("{%08x-0c2b-4e8e-9c3a-%012x}", i, (long) i * 7919);
            rules.append(sep).append("{\"id\":\"").append(id).append("\",\"name\":\"").append(id)
                    .append("\",\"displayName\":\"Some Application Component (TCP-In) ").append(i)
                    .append("\",\"group\":\"@FirewallAPI.dll,-28752\",\"enabled\":").append(1 + i % 2)
                    .append(",\"direction\":").append(1 + i % 2).append(",\"action\":").append(i % 5 == 0 ? 4 : 2)
                    .append(",\"profile\":").append(new int[] {0, 1, 2, 4}[i % 4])
                    .append(",\"policyStoreSource\":\"PersistentStore\",\"policyStoreSourceType\":1,"
                            + "\"enforcementStatus\":[\"NotApplicable\"],\"dynamicKeywords\":[]}");
            ports.append(sep).append("{\"id\":\"").append(id).append("\",\"protocol\":\"TCP\",\"localPort\":[\"")
                    .append(1000 + i % 60000).append("\"],\"remotePort\":[\"Any\"]}");
            String remote = i % 7 == 0 ? "\"LocalSubnet\"" : i % 3 == 0 ? "\"10." + i % 250
                    + ".0.0/255.255.0.0\",\"192.168." + i % 250 + ".0/255.255.255.0\"" : "\"Any\"";
            addresses.append(sep).append("{\"id\":\"").append(id).append("\",\"localAddress\":[\"Any\"],"
                    + "\"remoteAddress\":[").append(remote).append("],\"dynamicKeywords\":[]}");
            apps.append(sep).append("{\"id\":\"").append(id).append("\",\"program\":\"")
                    .append(i % 2 == 0 ? "Any" : "%SystemRoot%\\\\system32\\\\svchost.exe").append("\",\"package\":\"\"}");
            services.append(sep).append("{\"id\":\"").append(id).append("\",\"service\":\"Any\"}");
            ifaces.append(sep).append("{\"id\":\"").append(id).append("\",\"interfaceAlias\":[\"Any\"]}");
            types.append(sep).append("{\"id\":\"").append(id).append("\",\"interfaceType\":\"Any\"}");
            security.append(sep).append("{\"id\":\"").append(id).append("\",\"authentication\":\"NotRequired\","
                    + "\"localUser\":\"Any\",\"remoteUser\":\"Any\",\"remoteMachine\":\"Any\"}");
        }
        StringBuilder profiles = new StringBuilder();
        for (String p : new String[] {"Domain", "Private", "Public"}) {
            profiles.append(profiles.isEmpty() ? "" : ",").append("{\"name\":\"").append(p).append("\",\"enabled\":1,"
                    + "\"defaultInboundAction\":4,\"defaultOutboundAction\":2,\"allowInboundRules\":1,"
                    + "\"allowLocalFirewallRules\":1,\"disabledInterfaceAliases\":[\"NotConfigured\"]}");
        }
        return "{\"format\":1,\"profiles\":[" + profiles + "],\"rules\":[" + rules + "],\"portFilters\":[" + ports
                + "],\"addressFilters\":[" + addresses + "],\"applicationFilters\":[" + apps + "],\"serviceFilters\":["
                + services + "],\"interfaceFilters\":[" + ifaces + "],\"interfaceTypeFilters\":[" + types
                + "],\"securityFilters\":[" + security + "],\"connections\":[{\"interfaceAlias\":\"Ethernet\","
                + "\"networkCategory\":1}],\"errors\":[]}";
    }
}
