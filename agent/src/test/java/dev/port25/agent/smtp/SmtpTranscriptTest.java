package dev.port25.agent.smtp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The transcript's own rendering and JSON, for the outcomes the recorded cases do not all reach
 * (a reset read and a failed write depend on who wins the race when Exim hangs up after its
 * "554 Too many nonmail commands").
 */
class SmtpTranscriptTest {

    private static SmtpTranscript.Exchange said(int session, String command, SmtpTranscript.Outcome o) {
        return new SmtpTranscript.Exchange(session, command, o, Optional.empty());
    }

    private static final SmtpTranscript T = new SmtpTranscript(SmtpTranscript.Mode.FULL, List.of(
            new SmtpTranscript.Connected(1),
            said(1, "", new SmtpTranscript.Replied(new SmtpReply(220, List.of("mx.p25.test ESMTP")))),
            said(1, "EHLO x", new SmtpTranscript.Replied(new SmtpReply(250, List.of("mx.p25.test", "STARTTLS")))),
            said(1, "STARTTLS", new SmtpTranscript.Replied(new SmtpReply(220, List.of("go ahead")))),
            new SmtpTranscript.Tls(1, new TlsFacts("TLSv1.3", "TLS_AES_256_GCM_SHA384", "CN=mx", "CN=mx",
                    Optional.of(Instant.parse("2027-01-01T00:00:00Z")), true, true, false, Optional.empty()),
                    Instant.parse("2026-12-03T06:00:00Z")),
            said(1, "QUIT", new SmtpTranscript.NoReply(SmtpTranscript.Trouble.RESET, "Connection reset")),
            new SmtpTranscript.Connected(2),
            said(2, "", new SmtpTranscript.Replied(new SmtpReply(220, List.of("mx.p25.test ESMTP")))),
            new SmtpTranscript.Exchange(2, "VRFY root", new SmtpTranscript.NoReply(SmtpTranscript.Trouble.WRITE_FAILED,
                    "Broken pipe"), Optional.of(new SmtpTranscript.Ask(1, SmtpTranscript.Verb.VRFY, Optional.of("root"), ""))),
            said(2, "VRFY x", new SmtpTranscript.NoReply(SmtpTranscript.Trouble.TIMEOUT, "no complete reply within 10 ms")),
            new SmtpTranscript.Ended(SmtpTranscript.Part.VRFY),
            new SmtpTranscript.RelayTried("<>", "<relaytest@example.net>"),
            new SmtpTranscript.Stopped("no complete reply within 10 ms")));

    @Test
    void linesAreWhatTheSessionShowedSessionsSeparated() {
        assertThat(T.lines()).containsExactly("S: 220 mx.p25.test ESMTP", "C: EHLO x", "S: 250-mx.p25.test",
                "S: 250 STARTTLS", "C: STARTTLS", "S: 220 go ahead", "(TLS TLSv1.3 TLS_AES_256_GCM_SHA384)", "C: QUIT",
                "--", "S: 220 mx.p25.test ESMTP", "C: VRFY root", "S: (closed: Broken pipe)", "C: VRFY x",
                "S: (no complete reply within 10 ms)");
        SmtpTranscript.NoReply write = (SmtpTranscript.NoReply) ((SmtpTranscript.Exchange) T.events().get(8)).outcome();
        assertThat(write.message()).isEqualTo("the server closed the connection (Broken pipe)");
        assertThat(write.sessionLost()).isTrue();
    }

    @Test
    void jsonGivesTheSameTranscriptBack() {
        assertThat(SmtpTranscriptJson.read(SmtpTranscriptJson.write(T))).isEqualTo(T);
    }

    @Test
    void jsonMissingAFieldIsAnError() {
        var doc = SmtpTranscriptJson.write(T);
        ((ObjectNode) doc.get("events").get(2)).remove("command");
        assertThatThrownBy(() -> SmtpTranscriptJson.read(doc)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no 'command'");
    }
}
