package dev.port25.agent.facts;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ways out of a namespace, from {@code ip -j -d address show} as iproute2 6.1.0 printed it in
 * namespaces made for the recording (resources ip-address/iproute2-6.1.0, README there).
 */
class LinksTest {

    private static List<Links.Link> recorded(String name) throws IOException {
        try (InputStream in = LinksTest.class.getResourceAsStream("/ip-address/iproute2-6.1.0/" + name + ".json")) {
            return Links.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aContainersVethToTheHostsBridgeLeadsOnlyToTheHost() throws Exception {
        List<Links.Link> inside = recorded("veth");
        Links.Ways ways = Links.ways(inside, recorded("host"));
        assertThat(ways.viaHost()).containsExactly("eth0");
        assertThat(ways.elsewhere()).isEmpty();
        // global scope only: not the link-local fe80:: address, not loopback's
        assertThat(Links.addresses(inside)).containsExactly(InetAddress.getByName("198.19.0.2"),
                InetAddress.getByName("fd00:19::2"));
    }

    @Test
    void aMacvlanOnAHostInterfaceIsOnTheHostsNetwork() throws Exception {
        Links.Ways ways = Links.ways(recorded("macvlan"), recorded("host"));
        assertThat(ways.viaHost()).isEmpty();
        assertThat(ways.elsewhere()).containsExactly(new Facts.Way("mv0", "macvlan on the host's up0", true));
    }

    @Test
    void whatDoesNotEndInTheHostLeadsWhereTheAgentCannotSee() throws Exception {
        // the same namespaces, judged against a host that holds none of their other ends
        List<Links.Link> stranger = recorded("veth").subList(0, 1); // loopback only
        assertThat(Links.ways(recorded("veth"), stranger).elsewhere())
                .containsExactly(new Facts.Way("eth0", "a veth whose other end is not the host's", false));
        assertThat(Links.ways(recorded("macvlan"), stranger).elsewhere()).singleElement()
                .matches(w -> !w.hostNetwork() && w.what().equals("macvlan"));
        // seen from the container: the bridge br0 leads nowhere by itself, the veth pair up0/up1
        // has both ends in one namespace, and vh ends in the container
        Links.Ways fromInside = Links.ways(recorded("host"), recorded("veth"));
        assertThat(fromInside.viaHost()).containsExactly("vh");
        assertThat(fromInside.elsewhere()).isEmpty();
    }

    @Test
    void outputThatIsNotTheExpectedJsonIsRefusedWithWhy() {
        assertThatThrownBy(() -> Links.parse("Object \"-j\" is unknown")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no JSON");
        assertThatThrownBy(() -> Links.parse("{}")).hasMessageContaining("no array");
        assertThat(Links.parse("[{\"ifindex\": 1, \"ifname\": \"lo\", \"addr_info\": []}]")).hasSize(1);
    }
}
