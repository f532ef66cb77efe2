package dev.port25.agent.smtp;

import dev.port25.firewall.net.IpAddresses;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/** nmap smtp-open-relay's forms: sender and recipient spellings a careless MTA may relay. */
final class SmtpRelayForms {

    /** The foreign domain of relay tries: reserved (RFC 2606), and the probe never sends DATA anyway. */
    static final String FOREIGN = "example.net";

    /** One envelope: what follows "MAIL FROM:" and "RCPT TO:". */
    record Form(String mailFrom, String rcptTo) {
    }

    private SmtpRelayForms() {
    }

    /** The 13 forms for the server's domain {@code d} and its address (for the IP-literal forms). */
    static List<Form> of(String d, InetAddress server) {
        String ip = IpAddresses.text(server);
        String lit = server instanceof Inet6Address ? "[IPv6:" + ip + "]" : "[" + ip + "]";
        String to = "relaytest@" + FOREIGN;
        return List.of(
                new Form("<>", "<" + to + ">"),
                new Form("<antispam@" + d + ">", "<" + to + ">"),
                new Form("<antispam@" + lit + ">", "<" + to + ">"),
                new Form("<antispam@" + d + ">", "<relaytest%" + FOREIGN + "@" + d + ">"),
                new Form("<antispam@" + d + ">", "<relaytest%" + FOREIGN + "@" + lit + ">"),
                new Form("<antispam@" + d + ">", "<\"" + to + "\">"),
                new Form("<antispam@" + d + ">", "<\"relaytest%" + FOREIGN + "\">"),
                new Form("<antispam@" + d + ">", "<\"" + to + "\"@" + d + ">"),
                new Form("<antispam@" + d + ">", "<@" + d + ":" + to + ">"),
                new Form("<antispam@" + d + ">", "<@" + lit + ":" + to + ">"),
                new Form("<antispam@" + d + ">", "<" + FOREIGN + "!relaytest>"),
                new Form("<antispam@" + d + ">", "<" + FOREIGN + "!relaytest@" + d + ">"),
                new Form("<antispam@" + d + ">", "<" + FOREIGN + "!relaytest@" + lit + ">"));
    }
}
