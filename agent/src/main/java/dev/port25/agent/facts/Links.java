package dev.port25.agent.facts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.port25.firewall.net.IpAddresses;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The network interfaces of one namespace as {@code ip -j -d address show} prints them, and what
 * they say about the ways into it: a veth whose other end is one of the host's interfaces leads
 * only to the host (and through it, to where its DNAT sends connections); a macvlan or ipvlan sits
 * on a host interface's own network, past the host's packet filter; any other interface (a veth to
 * a third namespace, a tunnel, a device moved in) leads somewhere the agent cannot see. A bridge or
 * bond leads nowhere by itself (its members do), nor does a veth pair with both ends inside.
 */
public final class Links {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Kinds that lead nowhere by themselves: their member interfaces do, and are listed too. */
    private static final Set<String> AGGREGATES = Set.of("bridge", "bond", "team", "dummy", "ifb", "vrf");

    private Links() {
    }

    /**
     * One interface.
     *
     * @param index     its index in its namespace
     * @param name      its name
     * @param kind      "veth", "bridge", "macvlan"...; empty for loopback and physical devices
     * @param peerIndex for a veth, its other end's index (in {@code peerElsewhere}'s namespace);
     *                  for a macvlan or ipvlan, its parent's
     * @param peerElsewhere the other end (or parent) is in another namespace
     * @param addresses its addresses of global scope (not host or link scope)
     */
    public record Link(int index, String name, Optional<String> kind, OptionalInt peerIndex, boolean peerElsewhere,
                       List<InetAddress> addresses) {
        public Link {
            addresses = List.copyOf(addresses);
        }

        boolean loopback() {
            return name.equals("lo");
        }
    }

    /** Parses the output of {@code ip -j -d address show}. */
    public static List<Link> parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("ip -j address show printed no JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("ip -j address show printed no array of interfaces");
        }
        List<Link> out = new ArrayList<>();
        for (JsonNode l : root) {
            if (!l.hasNonNull("ifindex") || !l.hasNonNull("ifname")) {
                continue; // a line ip printed for something that is not an interface
            }
            List<InetAddress> addresses = new ArrayList<>();
            for (JsonNode a : l.path("addr_info")) {
                String scope = a.path("scope").asText("");
                if (a.hasNonNull("local") && (scope.equals("global") || scope.isEmpty())) {
                    addresses.add(IpAddresses.parse(a.get("local").asText()));
                }
            }
            String kind = l.path("linkinfo").path("info_kind").asText("");
            out.add(new Link(l.get("ifindex").asInt(), l.get("ifname").asText(),
                    kind.isEmpty() ? Optional.empty() : Optional.of(kind),
                    l.hasNonNull("link_index") ? OptionalInt.of(l.get("link_index").asInt()) : OptionalInt.empty(),
                    l.has("link_netnsid"), addresses));
        }
        return out;
    }

    /**
     * How the interfaces of a namespace other than the host's lead out of it.
     *
     * @param viaHost   interfaces whose other end is the host's (a veth to a bridge of the host)
     * @param elsewhere interfaces that lead past the host's packet filter, each with what they are
     */
    public record Ways(List<String> viaHost, List<Facts.Way> elsewhere) {
        public Ways {
            viaHost = List.copyOf(viaHost);
            elsewhere = List.copyOf(elsewhere);
        }
    }

    /** How the interfaces {@code inside} a namespace lead out, given the {@code host}'s interfaces. */
    public static Ways ways(List<Link> inside, List<Link> host) {
        List<String> viaHost = new ArrayList<>();
        List<Facts.Way> elsewhere = new ArrayList<>();
        for (Link l : inside) {
            String kind = l.kind().orElse("device");
            if (l.loopback() || AGGREGATES.contains(kind) || (kind.equals("veth") && !l.peerElsewhere())) {
                continue; // no way out of its own: its members are listed, or both ends are inside
            }
            Optional<Link> peer = l.peerElsewhere() && l.peerIndex().isPresent()
                    ? host.stream().filter(h -> h.index() == l.peerIndex().getAsInt()).findFirst() : Optional.empty();
            if (kind.equals("veth") && peer.filter(p -> p.kind().equals(Optional.of("veth"))
                    && p.peerIndex().equals(OptionalInt.of(l.index())) && p.peerElsewhere()).isPresent()) {
                viaHost.add(l.name());
            } else if ((kind.equals("macvlan") || kind.equals("macvtap") || kind.equals("ipvlan")
                    || kind.equals("ipvtap")) && peer.isPresent()) {
                elsewhere.add(new Facts.Way(l.name(), kind + " on the host's " + peer.get().name(), true));
            } else {
                elsewhere.add(new Facts.Way(l.name(), kind.equals("veth") ? "a veth whose other end is not the host's"
                        : kind.equals("device") ? "a device of its own" : kind, false));
            }
        }
        return new Ways(viaHost, elsewhere);
    }

    /** The addresses of global scope of every interface but loopback. */
    public static List<InetAddress> addresses(List<Link> inside) {
        return inside.stream().filter(l -> !l.loopback()).flatMap(l -> l.addresses().stream()).distinct().toList();
    }
}
