package dev.port25.agent.dns;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of fetching an MTA-STS policy.
 *
 * @param url   where it was fetched from
 * @param body  the policy text, when the server answered as RFC 8461 3.3 requires
 * @param error why there is no policy (no address, TLS failure, a redirect, a status other than
 *              200, a media type other than text/plain, too large, a timeout)
 */
public record PolicyFetch(String url, Optional<String> body, Optional<String> error) {
    public PolicyFetch {
        Objects.requireNonNull(url, "url");
        if (body.isPresent() == error.isPresent()) {
            throw new IllegalArgumentException("exactly one of body and error");
        }
    }

    public static PolicyFetch ok(String url, String body) {
        return new PolicyFetch(url, Optional.of(body), Optional.empty());
    }

    public static PolicyFetch failed(String url, String why) {
        return new PolicyFetch(url, Optional.empty(), Optional.of(why));
    }
}
