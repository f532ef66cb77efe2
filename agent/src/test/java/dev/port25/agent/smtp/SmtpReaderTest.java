package dev.port25.agent.smtp;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reply parsing and the reader's bounds, over in-memory streams (no sockets). */
class SmtpReaderTest {

    private static SmtpReader reader(String text) {
        return new SmtpReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), SmtpReader.Limits.DEFAULT);
    }

    @Test
    void multiLineRepliesAsPostfixSendsThem() throws IOException {
        SmtpReader r = reader("220 mx.example.org ESMTP Postfix (Debian/GNU)\r\n"
                + "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250 SMTPUTF8\r\n"
                + "502 5.5.1 VRFY command is disabled\r\n");
        SmtpReply banner = r.read();
        assertThat(banner.code()).isEqualTo(220);
        assertThat(banner.first()).isEqualTo("mx.example.org ESMTP Postfix (Debian/GNU)");
        SmtpReply ehlo = r.read();
        assertThat(ehlo.positive()).isTrue();
        assertThat(ehlo.lines()).containsExactly("mx.example.org", "PIPELINING", "SIZE 10240000", "STARTTLS", "SMTPUTF8");
        SmtpReply vrfy = r.read();
        assertThat(vrfy.permanentFailure()).isTrue();
        assertThat(vrfy.toString()).isEqualTo("502 5.5.1 VRFY command is disabled");
    }

    @Test
    void bareLfAndACodeWithoutTextAreAccepted() throws IOException {
        SmtpReader r = reader("250-a\n250\n");
        assertThat(r.read().lines()).containsExactly("a", "");
    }

    @Test
    void brokenRepliesAreProtocolErrorsThatSayWhy() {
        assertThatThrownBy(() -> reader("SSH-2.0-OpenSSH_9.2\r\n").read())
                .isInstanceOf(SmtpProtocolException.class).hasMessageContaining("not an SMTP reply line: \"SSH-2.0");
        assertThatThrownBy(() -> reader("250-a\r\n251 b\r\n").read()).hasMessageContaining("code changed");
        assertThatThrownBy(() -> reader("250+x\r\n").read()).hasMessageContaining("bad separator");
        assertThatThrownBy(() -> reader("199 x\r\n").read()).hasMessageContaining("out of range");
        assertThatThrownBy(() -> reader("250-a\r\n").read()).isInstanceOf(SmtpProtocolException.class)
                .extracting(e -> ((SmtpProtocolException) e).kind()).isEqualTo(SmtpProtocolException.Kind.CLOSED);
        assertThatThrownBy(() -> reader("\u001b[2J\r\n").read()).hasMessageContaining("\\x1b[2J");
    }

    @Test
    void anEndlessLineStopsAtTheLineBound() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'A';
            }
        };
        SmtpReader r = new SmtpReader(endless, SmtpReader.Limits.DEFAULT);
        assertThatThrownBy(r::read).isInstanceOf(SmtpProtocolException.class)
                .extracting(e -> ((SmtpProtocolException) e).kind()).isEqualTo(SmtpProtocolException.Kind.LINE_TOO_LONG);
        assertThat(r.sessionBytes()).isLessThan(2 * 4096 + 2048);
    }

    @Test
    void aTenThousandLineEhloStopsAtTheLineCountBound() {
        String huge = "250-X\r\n".repeat(10_000) + "250 end\r\n";
        SmtpReader r = reader(huge);
        assertThatThrownBy(r::read).extracting(e -> ((SmtpProtocolException) e).kind())
                .isEqualTo(SmtpProtocolException.Kind.TOO_MANY_LINES);
    }

    @Test
    void aSessionStopsAtTheByteBound() {
        String many = "250 ok\r\n".repeat(40_000);
        SmtpReader r = new SmtpReader(new ByteArrayInputStream(many.getBytes(StandardCharsets.US_ASCII)),
                new SmtpReader.Limits(2048, 100, 64 * 1024, 10_000));
        assertThatThrownBy(() -> {
            for (int i = 0; i < 40_000; i++) {
                r.read();
            }
        }).extracting(e -> ((SmtpProtocolException) e).kind()).isEqualTo(SmtpProtocolException.Kind.TOO_MANY_BYTES);
    }

    @Test
    void aSlowDripOrASilentPeerEndsAtTheReplyDeadline() {
        AtomicLong now = new AtomicLong();
        InputStream drip = new InputStream() {
            private final byte[] data = "220 slow\r\n".getBytes(StandardCharsets.US_ASCII);
            private int i;

            @Override
            public int read() throws IOException {
                now.addAndGet(1_500); // each byte takes 1.5 s
                if (i >= 3) {
                    throw new SocketTimeoutException("read timed out"); // then silence
                }
                return data[i++];
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int c = read();
                b[off] = (byte) c;
                return 1;
            }
        };
        SmtpReader r = new SmtpReader(drip, SmtpReader.Limits.DEFAULT, now::get);
        assertThatThrownBy(r::read).extracting(e -> ((SmtpProtocolException) e).kind())
                .isEqualTo(SmtpProtocolException.Kind.TIMEOUT);
        assertThat(now.get()).as("gave up at the 10 s deadline, not later").isLessThanOrEqualTo(10_000 + 1_500);
    }

    @Test
    void pipelinedRepliesStayInTheBufferForTheNextRead() throws IOException {
        SmtpReader r = reader("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n554 5.7.1 Relay access denied\r\n");
        assertThat(List.of(r.read().code(), r.read().code(), r.read().code())).containsExactly(250, 250, 554);
    }
}
