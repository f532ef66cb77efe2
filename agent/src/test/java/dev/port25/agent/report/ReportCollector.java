package dev.port25.agent.report;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

/**
 * The compliance endpoint of {@link ReportDeliveryIT}: the JDK's HTTPS server, run in the test's
 * namespace as its own process. Each POST is answered as the file {@code DIR/behaviour} says at
 * that moment ("ok", "status N", "delay MS" then 200, "huge MB": 200 with an answer of MB mebibytes, "stall MS": 200 and a few bytes, then
 * nothing for MS) and logged to {@code DIR/log} as
 * "status idempotency-key authorization client-subject"; a body answered 2xx is kept as
 * {@code DIR/received/<millis>-<n>-<key>.json}. Prints "listening" once bound.
 *
 * <p>Arguments: bind address, port, server PKCS#12 key store, client CA PKCS#12 trust store or
 * "-" (no client certificate asked), folder. Store passwords are "changeit".
 */
public final class ReportCollector {

    private ReportCollector() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[4]);
        Files.createDirectories(dir.resolve("received"));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store(Path.of(args[2])), "changeit".toCharArray());
        TrustManagerFactory tmf = null;
        if (!args[3].equals("-")) {
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store(Path.of(args[3])));
        }
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        boolean clientAuth = tmf != null;
        HttpsServer server = HttpsServer.create(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = tls.getDefaultSSLParameters();
                p.setNeedClientAuth(clientAuth);
                params.setSSLParameters(p);
            }
        });
        AtomicInteger n = new AtomicInteger();
        server.createContext("/", exchange -> answer(dir, n, exchange));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("listening");
        System.out.flush();
    }

    private static KeyStore store(Path p) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p)) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    private static void answer(Path dir, AtomicInteger n, HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String behaviour = Files.exists(dir.resolve("behaviour"))
                    ? Files.readString(dir.resolve("behaviour")).strip() : "ok";
            int status = 200;
            if (behaviour.startsWith("status ")) {
                status = Integer.parseInt(behaviour.substring(7));
            } else if (behaviour.startsWith("delay ")) {
                try {
                    Thread.sleep(Long.parseLong(behaviour.substring(6)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String subject = "-";
            if (exchange instanceof HttpsExchange https) {
                SSLSession session = https.getSSLSession();
                try {
                    subject = ((X509Certificate) session.getPeerCertificates()[0])
                            .getSubjectX500Principal().getName();
                } catch (SSLPeerUnverifiedException e) {
                    subject = "-";
                }
            }
            if (status / 100 == 2) {
                // named to sort in the order received, across restarts of the collector too
                Files.write(dir.resolve("received").resolve(String.format("%013d-%05d-%s.json",
                        System.currentTimeMillis(), n.incrementAndGet(), key)), body);
            }
            synchronized (ReportCollector.class) {
                Files.writeString(dir.resolve("log"), status + " " + key + " " + String.valueOf(auth).replace(' ', '_')
                        + " " + subject.replace(' ', '_') + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            if (behaviour.startsWith("stall ")) {
                exchange.sendResponseHeaders(status, 0);
                exchange.getResponseBody().write("{\"accep".getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
                try {
                    Thread.sleep(Long.parseLong(behaviour.substring(6)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (behaviour.startsWith("huge ")) {
                long mib = Long.parseLong(behaviour.substring(5));
                exchange.sendResponseHeaders(status, mib << 20);
                byte[] chunk = new byte[1 << 20];
                Arrays.fill(chunk, (byte) 'x');
                try {
                    for (long i = 0; i < mib; i++) {
                        exchange.getResponseBody().write(chunk);
                    }
                } catch (IOException clientWentAway) {
                    // the sink read what it wanted and closed: that is the point
                }
                return;
            }
            byte[] answer = (status / 100 == 2 ? "{\"accepted\":true}" : "collector says " + status)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }
}
