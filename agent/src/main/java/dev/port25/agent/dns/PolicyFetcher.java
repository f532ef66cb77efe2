package dev.port25.agent.dns;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Fetches MTA-STS policies as a sending MTA would (RFC 8461 3.3): HTTPS GET of
 * {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}, the certificate valid for that name
 * under the JVM's trusted CAs, the name looked up through the same {@link DnsLookup} as the
 * records, redirects not followed, 200 and {@code text/plain} only, at most 64 KiB.
 */
public final class PolicyFetcher implements AutoCloseable {

    /** The largest policy read; RFC 8461 3.3 lets senders refuse larger ones. */
    static final int MAX_BYTES = 64 * 1024;

    private final CloseableHttpClient client;

    public PolicyFetcher(DnsLookup dns) {
        Timeout timeout = Timeout.of(dns.timeout());
        SSLContext tls;
        try {
            tls = SSLContext.getDefault(); // the JVM's CAs (javax.net.ssl.trustStore where set)
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new Resolver(dns))
                        .setTlsSocketStrategy(new DefaultClientTlsStrategy(tls))
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout)
                                .setSocketTimeout(timeout).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout).build())
                .disableRedirectHandling().disableAutomaticRetries().disableCookieManagement()
                .disableAuthCaching().disableContentCompression()
                .setUserAgent("port25-agent (MTA-STS policy check)")
                .build();
    }

    /** The policy of {@code domain}, or why it cannot be had. */
    public PolicyFetch fetch(String domain) {
        String url = "https://mta-sts." + domain + "/.well-known/mta-sts.txt";
        try {
            return client.execute(new HttpGet(url), response -> {
                int code = response.getCode();
                if (code >= 300 && code < 400) {
                    Header location = response.getFirstHeader("Location");
                    return PolicyFetch.failed(url, "HTTP " + code + " redirect"
                            + (location == null ? "" : " to " + location.getValue())
                            + ", which senders do not follow (RFC 8461 3.3)");
                }
                if (code != 200) {
                    return PolicyFetch.failed(url, "HTTP " + code + " " + response.getReasonPhrase());
                }
                HttpEntity entity = response.getEntity();
                String type = entity == null || entity.getContentType() == null ? "" : entity.getContentType();
                String media = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
                if (!media.equals("text/plain")) {
                    return PolicyFetch.failed(url, "media type '" + type + "', not text/plain (RFC 8461 3.2)");
                }
                byte[] body;
                try (InputStream in = entity.getContent()) {
                    body = in.readNBytes(MAX_BYTES + 1);
                }
                if (body.length > MAX_BYTES) {
                    return PolicyFetch.failed(url, "larger than " + MAX_BYTES / 1024 + " KiB");
                }
                return PolicyFetch.ok(url, new String(body, StandardCharsets.UTF_8));
            });
        } catch (UnknownHostException e) {
            return PolicyFetch.failed(url, e.getMessage());
        } catch (SSLException e) {
            return PolicyFetch.failed(url, "TLS: " + e.getMessage());
        } catch (IOException e) {
            return PolicyFetch.failed(url, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        client.close(CloseMode.IMMEDIATE);
    }

    /** Host names through the agent's DNS servers, not the JVM's resolver. */
    private record Resolver(DnsLookup dns) implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            Answer a = dns.addresses(host).join();
            if (a.status() != Answer.Status.FOUND) {
                throw new UnknownHostException(host + ": " + a.describe());
            }
            return DnsLookup.inetAddresses(a);
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }
}
