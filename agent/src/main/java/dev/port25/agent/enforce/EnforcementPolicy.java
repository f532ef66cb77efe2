package dev.port25.agent.enforce;

import dev.port25.agent.settings.Role;
import dev.port25.agent.settings.Settings;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;

import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the firewall must do for a role: NONE blocks inbound on every covered port (and outbound
 * when the settings ask, except to the relays), RELAY allows inbound from its networks only,
 * MAIL_SERVER keeps inbound open (the agent's own rules removed). Pure.
 *
 * <p>Lockout safety: only the SMTP ports (25, 465, 587) are ever managed, so a settings file
 * that lists another port (22, say) cannot make the agent block it, and nothing that blocks
 * inbound is ever planned for a MAIL_SERVER.
 */
public final class EnforcementPolicy {

    /** The only ports enforcement touches. */
    public static final Set<Integer> SMTP_PORTS = Set.of(25, 465, 587);

    private EnforcementPolicy() {
    }

    /** Refused: the settings ask for something enforcement never does. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    public static Desired desired(Settings settings, Role role) throws Refused {
        for (int port : settings.ports()) {
            if (!SMTP_PORTS.contains(port)) {
                throw new Refused("ports: " + port + " is not an SMTP port; enforcement only ever touches 25, 465 "
                        + "and 587, so that a settings mistake cannot lock a host out");
            }
        }
        Map<Integer, Inbound> in = new TreeMap<>();
        Map<Integer, Outbound> out = new TreeMap<>();
        for (int port : settings.ports()) {
            switch (role) {
                case MAIL_SERVER -> in.put(port, new Inbound.Open());
                case RELAY -> in.put(port, settings.roles().relay().allowFrom().isEmpty() ? new Inbound.Closed()
                        : new Inbound.AllowFrom(settings.roles().relay().allowFrom()));
                case NONE -> {
                    in.put(port, new Inbound.Closed());
                    if (settings.roles().none().blockEgress()) {
                        out.put(port, new Outbound.BlockedExcept(settings.roles().none().egressRelays()));
                    }
                }
            }
        }
        Desired d = new Desired(in, out);
        if (role == Role.MAIL_SERVER && d.tcpInbound().values().stream().anyMatch(i -> !(i instanceof Inbound.Open))) {
            throw new Refused("refusing to block inbound SMTP on a MAIL_SERVER"); // unreachable by construction
        }
        return d;
    }

    /** One line per port: "25 inbound CLOSED, outbound BLOCKED_EXCEPT [198.18.7.25/32]". */
    public static String describe(Desired d) {
        StringBuilder sb = new StringBuilder();
        SortedSet<Integer> ports = new TreeSet<>(d.tcpInbound().keySet());
        ports.addAll(d.tcpOutbound().keySet());
        for (int port : ports) {
            sb.append(sb.length() == 0 ? "" : "; ").append(port);
            Inbound i = d.tcpInbound().get(port);
            if (i != null) {
                sb.append(" inbound ").append(i instanceof Inbound.AllowFrom a ? "ALLOW_FROM " + a.networks()
                        : i instanceof Inbound.Closed ? "CLOSED" : "OPEN");
            }
            Outbound o = d.tcpOutbound().get(port);
            if (o instanceof Outbound.BlockedExcept b) {
                sb.append(", outbound BLOCKED_EXCEPT ").append(b.relays());
            }
        }
        return sb.length() == 0 ? "nothing of the agent's" : sb.toString();
    }
}
