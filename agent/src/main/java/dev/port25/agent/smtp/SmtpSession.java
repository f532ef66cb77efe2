package dev.port25.agent.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * One SMTP connection as a client: commands out, bounded replies in, STARTTLS, and every exchange
 * recorded for the transcript. It never sends DATA (the probe has no reason to, and refuses to).
 * The connection is a socket, or the pipes of a process that speaks SMTP on them
 * ({@code exim -bh}), which has no STARTTLS.
 */
public final class SmtpSession implements AutoCloseable {

    /** Slice of the socket read timeout; the reader's reply deadline is what bounds a read. */
    private static final int READ_SLICE_MILLIS = 250;

    private final InetSocketAddress target;
    private final SmtpReader.Limits limits;
    private Socket socket;
    private final AutoCloseable channel;
    private OutputStream out;
    private SmtpReader reader;
    private final List<SmtpTranscript.Exchange> exchanges = new ArrayList<>();

    private SmtpSession(InetSocketAddress target, SmtpReader.Limits limits, Socket socket) throws IOException {
        this.target = target;
        this.limits = limits;
        this.socket = socket;
        this.channel = null;
        this.out = socket.getOutputStream();
        this.reader = new SmtpReader(socket.getInputStream(), limits);
    }

    private SmtpSession(SmtpReader.Limits limits, InputStream in, OutputStream out, AutoCloseable channel) {
        this.target = null;
        this.limits = limits;
        this.channel = channel;
        this.out = out;
        this.reader = new SmtpReader(in, limits);
    }

    /**
     * A session over a process's pipes: {@code in} must give up each read after a slice with an
     * {@link java.io.InterruptedIOException} ({@link dev.port25.firewall.exec.Conversation} does);
     * closing the session closes {@code channel}.
     */
    public static SmtpSession over(InputStream in, OutputStream out, AutoCloseable channel, SmtpReader.Limits limits) {
        return new SmtpSession(limits, in, out, channel);
    }

    /** Connects; the greeting is read with {@link #greeting()}. */
    public static SmtpSession open(InetSocketAddress target, Duration connectTimeout, SmtpReader.Limits limits)
            throws IOException {
        Socket s = new Socket();
        try {
            s.connect(target, (int) connectTimeout.toMillis());
            s.setSoTimeout(READ_SLICE_MILLIS);
            return new SmtpSession(target, limits, s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    public SmtpReply greeting() throws IOException {
        return read("");
    }

    /** Sends one command line and reads its reply. */
    public SmtpReply send(String command) throws IOException {
        if (command.indexOf('\r') >= 0 || command.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("an SMTP command is one line");
        }
        if (command.toUpperCase(Locale.ROOT).startsWith("DATA") || command.toUpperCase(Locale.ROOT).startsWith("BDAT")) {
            throw new IllegalArgumentException("the probe never sends mail");
        }
        try {
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // a peer that has gone: a socket's "Broken pipe", or a process's pipe after it exited
            said(command, new SmtpTranscript.NoReply(SmtpTranscript.Trouble.WRITE_FAILED, String.valueOf(e.getMessage())));
            throw new SmtpProtocolException(SmtpProtocolException.Kind.CLOSED,
                    "the server closed the connection (" + e.getMessage() + ")");
        }
        return read(command);
    }

    private SmtpReply read(String command) throws IOException {
        try {
            SmtpReply r = reader.read();
            said(command, new SmtpTranscript.Replied(r));
            return r;
        } catch (SmtpProtocolException e) {
            said(command, new SmtpTranscript.NoReply(SmtpTranscript.Trouble.valueOf(e.kind().name()), e.getMessage()));
            throw e;
        } catch (IOException e) {
            said(command, new SmtpTranscript.NoReply(e instanceof SocketException ? SmtpTranscript.Trouble.RESET
                    : SmtpTranscript.Trouble.IO_ERROR, e.getMessage() == null ? e.toString() : e.getMessage()));
            throw e;
        }
    }

    private void said(String command, SmtpTranscript.Outcome outcome) {
        exchanges.add(new SmtpTranscript.Exchange(0, command, outcome, Optional.empty()));
    }

    /**
     * After a 220 to STARTTLS: the TLS handshake, accepting any certificate (the facts say what it
     * is), with SNI {@code serverName}. Plaintext the server sent after its 220 is an error: a
     * server (or a man in the middle) that does so invites command injection (CVE-2011-0411).
     */
    public TlsFacts startTls(String serverName) throws IOException {
        if (socket == null) {
            throw new IOException("no STARTTLS over a process's pipes");
        }
        if (reader.buffered() > 0) {
            throw new SmtpProtocolException(SmtpProtocolException.Kind.MALFORMED,
                    "the server sent " + reader.buffered() + " bytes after its STARTTLS reply, before the handshake");
        }
        Recording recording = new Recording();
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {recording}, null);
            SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(socket, target.getHostString(),
                    target.getPort(), true);
            ssl.setUseClientMode(true);
            Optional<SNIHostName> sni = sniName(serverName);
            if (sni.isPresent()) {
                SSLParameters p = ssl.getSSLParameters();
                p.setServerNames(List.of(sni.get()));
                ssl.setSSLParameters(p);
            }
            ssl.setSoTimeout((int) Math.min(limits.replyTimeoutMillis(), Integer.MAX_VALUE));
            ssl.startHandshake();
            ssl.setSoTimeout(READ_SLICE_MILLIS);
            socket = ssl;
            out = ssl.getOutputStream();
            reader = new SmtpReader(ssl.getInputStream(), limits);
            return facts(ssl.getSession().getProtocol(), ssl.getSession().getCipherSuite(), recording.chain, serverName);
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS is not available in this JVM: " + e.getMessage(), e);
        }
    }

    /**
     * The SNI to send for {@code name}: a DNS host name only. RFC 6066 forbids address literals
     * ("fd26::11" has letters, and {@link SNIHostName} refuses it with an
     * IllegalArgumentException), and a name that is not LDH ASCII cannot be sent either.
     */
    static Optional<SNIHostName> sniName(String name) {
        String n = name.strip();
        if (n.isEmpty() || n.indexOf(':') >= 0 || n.startsWith("[") || n.matches("[0-9.]+")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SNIHostName(n));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static TlsFacts facts(String protocol, String cipher, X509Certificate[] chain, String serverName) {
        if (chain == null || chain.length == 0) {
            return new TlsFacts(protocol, cipher, "", "", Optional.empty(), false, false, false, Optional.empty());
        }
        X509Certificate leaf = chain[0];
        boolean selfSigned = leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal());
        if (selfSigned) {
            try {
                leaf.verify(leaf.getPublicKey());
            } catch (GeneralSecurityException e) {
                selfSigned = false;
            }
        }
        boolean trusted;
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            ((X509TrustManager) tmf.getTrustManagers()[0]).checkServerTrusted(chain, "UNKNOWN");
            trusted = true;
        } catch (GeneralSecurityException | RuntimeException e) {
            trusted = false;
        }
        return new TlsFacts(protocol, cipher, leaf.getSubjectX500Principal().getName(),
                leaf.getIssuerX500Principal().getName(), Optional.of(leaf.getNotAfter().toInstant()), selfSigned,
                nameMatches(leaf, serverName), trusted, Optional.empty());
    }

    /** SAN dNSName (one leading wildcard label) or, without any SAN, the CN; IP literals against iPAddress SANs. */
    static boolean nameMatches(X509Certificate cert, String name) {
        String want = name.toLowerCase(Locale.ROOT);
        List<String> names = new ArrayList<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    if ((Integer) san.get(0) == 2 || (Integer) san.get(0) == 7) {
                        names.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return false;
        }
        if (names.isEmpty()) {
            for (String rdn : cert.getSubjectX500Principal().getName().split(",")) {
                if (rdn.startsWith("CN=")) {
                    names.add(rdn.substring(3).toLowerCase(Locale.ROOT));
                }
            }
        }
        for (String n : names) {
            if (n.equals(want) || (n.startsWith("*.") && want.indexOf('.') > 0
                    && want.substring(want.indexOf('.')).equals(n.substring(1)))) {
                return true;
            }
        }
        return false;
    }

    /**
     * What was said so far, in order: the greeting (an empty command), then each command with its
     * reply or what it met instead; session 0 and no question, which the conversation fills in.
     */
    public List<SmtpTranscript.Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            return;
        }
        try {
            channel.close();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** Accepts every server certificate and keeps the chain, so the facts can say what it is. */
    private static final class Recording implements X509TrustManager {
        X509Certificate[] chain;

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            this.chain = chain.clone();
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
