package dev.port25.agent.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Probes one SMTP listener as an outsider: banner, EHLO (HELO fallback), capabilities, STARTTLS
 * and its TLS facts, AUTH before and after TLS, VRFY / EXPN / RCPT enumeration against a random
 * control user, and the relay forms nmap's smtp-open-relay tries, with RSET between tries and a
 * fresh session when the server drops one. It never sends DATA, and ends every session with QUIT.
 * The conversation ({@link SmtpConversation}) records a {@link SmtpTranscript}; {@link SmtpJudge}
 * turns it into the result.
 *
 * <p>Run from the host itself, the probe is usually a trusted client of the MTA (Postfix
 * {@code mynetworks}, Exim {@code relay_from_hosts}), so its relay verdict is only an outsider's
 * when it runs from another host.
 */
public final class SmtpProbe {

    /**
     * @param heloName    the name said in EHLO/HELO
     * @param users       users to test for enumeration
     * @param domain      the server's domain for RCPT and relay tests, the only one tried; empty:
     *                    {@code mailDomains}, then the names the server gives and their parents
     * @param mailDomains mail domains known from settings, tried first when {@code domain} is empty
     * @param connectTimeout per connection
     * @param limits      reply bounds
     */
    public record Options(String heloName, List<String> users, Optional<String> domain, List<String> mailDomains,
                          Duration connectTimeout, SmtpReader.Limits limits) {
        public static Options defaults() {
            return new Options("port25-agent.invalid", List.of("root", "postmaster"), Optional.empty(), List.of(),
                    Duration.ofSeconds(10), SmtpReader.Limits.DEFAULT);
        }

        public Options {
            users = List.copyOf(users);
            mailDomains = List.copyOf(mailDomains);
        }
    }

    /** Opens one session whose greeting is still to be read. */
    @FunctionalInterface
    public interface Connector {
        SmtpSession open() throws IOException;
    }

    private final Options options;
    private final SecureRandom random = new SecureRandom();

    public SmtpProbe(Options options) {
        this.options = options;
    }

    /** The reply bounds every session of this probe reads with. */
    public SmtpReader.Limits limits() {
        return options.limits();
    }

    /**
     * Probes {@code target}; {@code name} is the name probed (for SNI and the certificate name
     * check; an address literal when probed by address). Never throws for what the server does:
     * that ends up in the result.
     */
    public SmtpProbeResult probe(InetSocketAddress target, String name) {
        return SmtpJudge.judge(options, converse(target, name));
    }

    /** What {@link #probe} says and meets, unjudged. */
    public SmtpTranscript converse(InetSocketAddress target, String name) {
        return SmtpConversation.full(options, () -> SmtpSession.open(target, options.connectTimeout(), options.limits()),
                target.getAddress(), name, random);
    }

    /**
     * Only the enumeration and relay tries, over sessions {@code connector} opens (no STARTTLS,
     * AUTH or banner verdicts): for an MTA that runs its own policy for a client address it is
     * told, {@code exim -bh}. {@code server} is the listener's address, for the IP-literal forms.
     */
    public SmtpProbeResult probeAccess(Connector connector, InetAddress server) {
        return SmtpJudge.judge(options, converseAccess(connector, server));
    }

    /** What {@link #probeAccess} says and meets, unjudged. */
    public SmtpTranscript converseAccess(Connector connector, InetAddress server) {
        return SmtpConversation.access(options, connector, server, random);
    }
}
