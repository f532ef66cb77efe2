package dev.port25.agent.smtp;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * VRFY on a server that wants an address and whose only local domain is its own name, as Exim
 * 4.96 with Debian's configuration and an accepting acl_smtp_vrfy answered in ProbeFuzzIT (seed
 * 7, case 69), spoken over pipes by a scripted server: given {@code --domain p25.test}, the probe
 * asked "VRFY root@p25.test", met "550 Unrouteable address" for everyone and said UNIFORM, though
 * VRFY at mx.p25.test tells root apart.
 */
class SmtpProbeVrfyDomainTest {

    private static final Set<String> LOCAL = Set.of("root@mx.p25.test", "postmaster@mx.p25.test");

    /** The scripted server's reply to one command line. */
    static String reply(String line) {
        String l = line.toLowerCase(Locale.ROOT);
        if (l.startsWith("ehlo")) {
            return "250-mx.p25.test Hello port25-agent.invalid [198.18.27.2]\r\n250 HELP";
        }
        if (l.startsWith("vrfy ")) {
            String a = l.substring(5).strip();
            return !a.contains("@") ? "501 " + a + ": recipient address must contain a domain"
                    : LOCAL.contains(a) ? "250 <" + a + "> is deliverable" : "550 <" + a + "> Unrouteable address";
        }
        if (l.startsWith("expn ")) {
            return "550 Administrative prohibition";
        }
        if (l.startsWith("mail from:") || l.startsWith("rset")) {
            return "250 OK";
        }
        if (l.startsWith("rcpt to:<")) {
            String a = l.substring(9, l.indexOf('>'));
            return !a.endsWith("@mx.p25.test") ? "550 relay not permitted"
                    : LOCAL.contains(a) ? "250 Accepted" : "550 Unrouteable address";
        }
        return l.startsWith("quit") ? "221 closing connection" : "500 unrecognized command";
    }

    /** A session whose other end is {@link #reply} run on a thread of its own. */
    static SmtpSession session() throws IOException {
        PipedOutputStream toServer = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(toServer, 65536);
        PipedInputStream fromServer = new PipedInputStream(65536);
        PipedOutputStream serverOut = new PipedOutputStream(fromServer);
        Thread server = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(serverIn, StandardCharsets.US_ASCII));
                 OutputStream out = serverOut) {
                out.write("220 mx.p25.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (String line; (line = in.readLine()) != null; ) {
                    out.write((reply(line) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (line.toLowerCase(Locale.ROOT).startsWith("quit")) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the probe closed its end
            }
        }, "scripted-smtp-server");
        server.setDaemon(true);
        server.start();
        return SmtpSession.over(fromServer, toServer, () -> {
            toServer.close();
            fromServer.close();
        }, SmtpReader.Limits.DEFAULT);
    }

    @Test
    void vrfyIsAskedAtTheServersOwnNameWhenTheGivenDomainIsNotLocalThere() throws Exception {
        SmtpProbe.Options d = SmtpProbe.Options.defaults();
        SmtpProbe probe = new SmtpProbe(new SmtpProbe.Options(d.heloName(), List.of("root", "alice", "bob"),
                Optional.of("p25.test"), List.of(), Duration.ofSeconds(5), d.limits()));
        SmtpProbeResult r = probe.probeAccess(SmtpProbeVrfyDomainTest::session, InetAddress.getByName("198.18.27.1"));
        assertThat(r.error()).as(String.join("\n", r.transcript())).isEmpty();
        assertThat(r.vrfy()).as(String.join("\n", r.transcript())).isEqualTo(SmtpProbeResult.Answer.DISCLOSES);
        assertThat(r.enumerableUsers()).containsExactly("root");
        assertThat(r.transcript()).contains("C: VRFY root@p25.test", "C: VRFY root@mx.p25.test");
        // RCPT stays at the domain given, the only one tried: the server does not receive there
        assertThat(r.rcpt()).isEqualTo(SmtpProbeResult.Answer.NOT_TESTED);
    }
}
