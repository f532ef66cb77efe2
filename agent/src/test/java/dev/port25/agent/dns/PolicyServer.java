package dev.port25.agent.dns;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The MTA-STS policy hosts of {@link MailDomainIT}: the JDK's HTTPS server, run in the test's
 * namespace as its own process ({@code ip netns exec}), answering by the Host header from a site
 * folder: {@code SITE/<host>/body} is served with status 200 and text/plain unless the files
 * {@code status}, {@code content-type} or {@code location} beside it say otherwise; other hosts
 * and paths get 404. Prints "listening" once bound.
 *
 * <p>Arguments: bind address, port, PKCS#12 key store (password "changeit"), site folder.
 */
public final class PolicyServer {

    private PolicyServer() {
    }

    public static void main(String[] args) throws Exception {
        Path site = Path.of(args[3]);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(args[2]))) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> answer(site, exchange));
        server.start();
        System.out.println("listening");
        System.out.flush();
    }

    private static void answer(Path site, HttpExchange exchange) throws IOException {
        try (exchange) {
            String host = exchange.getRequestHeaders().getFirst("Host");
            host = host == null ? "" : host.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
            Path dir = site.resolve(host).normalize();
            System.err.println(exchange.getRequestMethod() + " " + host + exchange.getRequestURI());
            if (!dir.startsWith(site) || host.isEmpty() || !Files.isDirectory(dir)
                    || !exchange.getRequestURI().getPath().equals("/.well-known/mta-sts.txt")) {
                send(exchange, 404, "text/plain", "not found\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            int status = Files.exists(dir.resolve("status")) ? Integer.parseInt(read(dir.resolve("status"))) : 200;
            String type = Files.exists(dir.resolve("content-type")) ? read(dir.resolve("content-type")) : "text/plain";
            if (Files.exists(dir.resolve("location"))) {
                exchange.getResponseHeaders().add("Location", read(dir.resolve("location")));
            }
            byte[] body = Files.exists(dir.resolve("body")) ? Files.readAllBytes(dir.resolve("body")) : new byte[0];
            send(exchange, status, type, body);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p).strip();
    }
}
