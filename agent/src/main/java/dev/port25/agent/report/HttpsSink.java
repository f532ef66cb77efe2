package dev.port25.agent.report;

import dev.port25.agent.platform.SecretFiles;
import dev.port25.agent.settings.Settings;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The {@code https} sink: HTTPS POST (http only where the settings allow it), the bearer token
 * from a file only its owner can read, the report id in an {@code Idempotency-Key} header,
 * optionally a client certificate (mutual TLS) and a CA bundle of its own. Redirects are not
 * followed, and no more than {@value #ANSWER_BYTES} bytes of an answer are read. Each answer is
 * classified: delivered (2xx), rejected for good (400, 413, 422: this report will never be
 * taken), or to be retried (anything else, and every network error).
 */
public final class HttpsSink implements ReportSink {

    /** The sink's kind in the settings and on the spool. */
    public static final String KIND = "https";
    /** The most of an answer's body read: its first line goes into the log, the rest is not wanted. */
    static final int ANSWER_BYTES = 64 * 1024;

    private final URI endpoint;
    private final Optional<String> token;
    private final HttpClient client;
    private final Duration timeout;

    private HttpsSink(URI endpoint, Optional<String> token, HttpClient client, Duration timeout) {
        this.endpoint = endpoint;
        this.token = token;
        this.client = client;
        this.timeout = timeout;
    }

    /** A sink for these settings; every file they name is read and checked now. */
    public static HttpsSink of(Settings.Report s) throws ReportException {
        URI endpoint = s.endpoint().orElseThrow(() -> new ReportException(
                "report.endpoint is not set: there is nowhere to send reports"));
        Optional<String> token = Optional.empty();
        if (s.tokenFile().isPresent()) {
            token = Optional.of(token(s.tokenFile().get()));
        }
        Duration timeout = Duration.ofSeconds(s.timeoutSeconds());
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
        if (s.caBundle().isPresent() || s.clientCertificate().isPresent()) {
            b.sslContext(tls(s));
        }
        return new HttpsSink(endpoint, token, b.build(), timeout);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String target() {
        return endpoint.toString();
    }

    @Override
    public Answer send(String id, byte[] body) {
        HttpRequest.Builder req = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", id)
                .header("User-Agent", "port25-agent")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        token.ifPresent(t -> req.header("Authorization", "Bearer " + t));
        int code;
        String said;
        // the whole answer, headers and the part of the body read, within the timeout: a far end
        // that sends its status and then stalls must not hold delivery (at least once: a 2xx whose
        // body never came is sent again, with the same id)
        CompletableFuture<HttpResponse<byte[]>> answer = client.sendAsync(req.build(),
                info -> new BoundedBody(ANSWER_BYTES));
        try {
            HttpResponse<byte[]> r = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            code = r.statusCode();
            said = " " + firstLine(new String(r.body(), StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            answer.cancel(true);
            return new Answer.Retry(endpoint + ": " + noAnswer());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Answer.Retry(endpoint + ": " + (cause instanceof HttpTimeoutException
                    ? noAnswer() : describe(cause)));
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            return new Answer.Retry("interrupted");
        }
        if (code >= 200 && code < 300) {
            return new Answer.Delivered(code);
        }
        if (code == 400 || code == 413 || code == 422) {
            return new Answer.Rejected(code, endpoint + ": HTTP " + code + said);
        }
        String hint = code == 401 || code == 403 ? " (check report.tokenFile and the client certificate)"
                : code >= 300 && code < 400 ? " (a redirect, not followed: set report.endpoint to where it points)" : "";
        return new Answer.Retry(endpoint + ": HTTP " + code + said + hint);
    }

    private String noAnswer() {
        return "no answer within " + timeout.toSeconds() + " s";
    }

    /** The first {@code limit} bytes of an answer's body; the rest is not read (the stream is cancelled). */
    static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int n = Math.min(b.remaining(), limit - bytes.size());
                byte[] chunk = new byte[n];
                b.get(chunk);
                bytes.write(chunk, 0, n);
            }
            if (bytes.size() >= limit) {
                subscription.cancel();
                result.complete(bytes.toByteArray());
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }

    /** "ConnectException: Connection refused": the exception's name and the first message in its causes. */
    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return e.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        // the JDK's HttpClient gives a refused or unreachable connection no message at all
        return e.getClass().getSimpleName() + (e instanceof ConnectException
                ? ": could not connect (refused or unreachable)" : "");
    }

    private static String firstLine(String body) {
        String b = body == null ? "" : body.strip();
        int nl = b.indexOf('\n');
        String line = nl < 0 ? b : b.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** The token, from a file neither group nor others can read or write. */
    static String token(Path file) throws ReportException {
        ownerOnly("report.tokenFile", file);
        String t;
        try {
            t = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ReportException("report.tokenFile " + file + ": cannot read: " + e.getMessage(), e);
        }
        if (t.isEmpty() || !t.matches("[\\x21-\\x7e]+")) {
            throw new ReportException("report.tokenFile " + file + ": holds no token (one line of printable "
                    + "ASCII without spaces)");
        }
        return t;
    }

    static void ownerOnly(String key, Path file) throws ReportException {
        Optional<String> problem = SecretFiles.problem(file);
        if (problem.isPresent()) {
            throw new ReportException(key + " " + file + problem.get());
        }
    }

    private static SSLContext tls(Settings.Report s) throws ReportException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (s.caBundle().isPresent()) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                List<Certificate> cas = certificates("report.caBundle", s.caBundle().get());
                for (int i = 0; i < cas.size(); i++) {
                    trust.setCertificateEntry("ca" + i, cas.get(i));
                }
                tmf.init(trust);
            } else {
                tmf.init((KeyStore) null);
            }
            KeyManagerFactory kmf = null;
            if (s.clientCertificate().isPresent()) {
                List<Certificate> chain = certificates("report.clientCertificate", s.clientCertificate().get());
                ownerOnly("report.clientKey", s.clientKey().orElseThrow());
                PrivateKey key = privateKey(s.clientKey().get());
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", key, new char[0], chain.toArray(Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new ReportException("report TLS settings: " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(String key, Path file) throws ReportException {
        try {
            List<Certificate> certs = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file))));
            if (certs.isEmpty()) {
                throw new ReportException(key + " " + file + ": no PEM certificate in it");
            }
            return certs;
        } catch (IOException | GeneralSecurityException e) {
            throw new ReportException(key + " " + file + ": not PEM certificates: " + e.getMessage(), e);
        }
    }

    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private static PrivateKey privateKey(Path file) throws ReportException {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ReportException("report.clientKey " + file + ": cannot read: " + e.getMessage(), e);
        }
        Matcher m = PKCS8.matcher(pem);
        if (!m.find()) {
            throw new ReportException("report.clientKey " + file + ": not a PEM PKCS#8 key (BEGIN PRIVATE KEY); "
                    + "convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String alg : List.of("EC", "RSA", "Ed25519")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // the next algorithm
            }
        }
        throw new ReportException("report.clientKey " + file + ": not an EC, RSA or Ed25519 key");
    }
}
