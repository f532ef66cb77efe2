package dev.port25.firewall.testing;

/**
 * The iptables rules dockerd 24 writes for one container on its default bridge that publishes a
 * port ({@code docker run -p HOST:PORT}, userland proxy off), as {@code iptables-save} prints
 * them: the input of {@code iptables-nft-restore} (or {@code ip6tables-nft-restore} for the IPv6
 * rules dockerd writes with {@code "ip6tables": true}). dockerd itself is not run: no registry is
 * reachable here and its rules are what the agent reads.
 */
public final class DockerRules {

    private DockerRules() {
    }

    /**
     * @param bridge     the bridge ("docker0")
     * @param subnet     the bridge's network ("198.19.0.0/24", "fd00:19::/64")
     * @param container  the container's address ("198.19.0.2", "fd00:19::2")
     * @param hostPort   the host's port published
     * @param port       the container's port it leads to
     * @param dockerUser the DOCKER-USER chain's rules, one per line ("-A DOCKER-USER -j RETURN")
     */
    public static String save(String bridge, String subnet, String container, int hostPort, int port,
                              String dockerUser) {
        boolean v6 = container.contains(":");
        String host = (v6 ? "/128" : "/32");
        String to = v6 ? "[" + container + "]:" + port : container + ":" + port;
        String loopback = v6 ? "::1/128" : "127.0.0.0/8";
        return String.join("\n",
                "*nat",
                ":PREROUTING ACCEPT [0:0]",
                ":INPUT ACCEPT [0:0]",
                ":OUTPUT ACCEPT [0:0]",
                ":POSTROUTING ACCEPT [0:0]",
                ":DOCKER - [0:0]",
                "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER",
                "-A OUTPUT ! -d " + loopback + " -m addrtype --dst-type LOCAL -j DOCKER",
                "-A POSTROUTING -s " + subnet + " ! -o " + bridge + " -j MASQUERADE",
                "-A POSTROUTING -s " + container + host + " -d " + container + host + " -p tcp -m tcp --dport " + port
                        + " -j MASQUERADE",
                "-A DOCKER -i " + bridge + " -j RETURN",
                "-A DOCKER ! -i " + bridge + " -p tcp -m tcp --dport " + hostPort + " -j DNAT --to-destination " + to,
                "COMMIT",
                "*filter",
                ":INPUT ACCEPT [0:0]",
                ":FORWARD DROP [0:0]",
                ":OUTPUT ACCEPT [0:0]",
                ":DOCKER - [0:0]",
                ":DOCKER-ISOLATION-STAGE-1 - [0:0]",
                ":DOCKER-ISOLATION-STAGE-2 - [0:0]",
                ":DOCKER-USER - [0:0]",
                "-A FORWARD -j DOCKER-USER",
                "-A FORWARD -j DOCKER-ISOLATION-STAGE-1",
                "-A FORWARD -o " + bridge + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                "-A FORWARD -o " + bridge + " -j DOCKER",
                "-A FORWARD -i " + bridge + " ! -o " + bridge + " -j ACCEPT",
                "-A FORWARD -i " + bridge + " -o " + bridge + " -j ACCEPT",
                "-A DOCKER -d " + container + host + " ! -i " + bridge + " -o " + bridge + " -p tcp -m tcp --dport "
                        + port + " -j ACCEPT",
                "-A DOCKER-ISOLATION-STAGE-1 -i " + bridge + " ! -o " + bridge + " -j DOCKER-ISOLATION-STAGE-2",
                "-A DOCKER-ISOLATION-STAGE-1 -j RETURN",
                "-A DOCKER-ISOLATION-STAGE-2 -o " + bridge + " -j DROP",
                "-A DOCKER-ISOLATION-STAGE-2 -j RETURN",
                dockerUser,
                "COMMIT",
                "");
    }
}
