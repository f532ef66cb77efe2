package dev.port25.agent.smtp;

import java.time.Instant;
import java.util.Optional;

/**
 * What the STARTTLS handshake showed.
 *
 * @param protocol     "TLSv1.3", "TLSv1.2", ...
 * @param cipher       the cipher suite
 * @param subject      the server certificate's subject DN
 * @param issuer       its issuer DN
 * @param notAfter     its expiry
 * @param selfSigned   issued by itself (subject equals issuer and its own key verifies it)
 * @param nameMatches  a subject alternative name (or, without any, the CN) matches the name probed
 * @param trusted      the chain verifies against this JVM's trusted CAs
 * @param error        set when the handshake failed; then the other fields are empty or false
 */
public record TlsFacts(String protocol, String cipher, String subject, String issuer, Optional<Instant> notAfter,
                       boolean selfSigned, boolean nameMatches, boolean trusted, Optional<String> error) {

    static TlsFacts failed(String why) {
        return new TlsFacts("", "", "", "", Optional.empty(), false, false, false, Optional.of(why));
    }

    /** Expired at {@code now}. */
    public boolean expired(Instant now) {
        return notAfter.map(now::isAfter).orElse(false);
    }

    /** Below TLS 1.2. */
    public boolean oldProtocol() {
        return protocol.equals("TLSv1") || protocol.equals("TLSv1.1") || protocol.startsWith("SSL");
    }
}
