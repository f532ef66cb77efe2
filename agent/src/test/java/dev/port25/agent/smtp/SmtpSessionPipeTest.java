package dev.port25.agent.smtp;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.exec.Conversation;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An SMTP session over a real process's pipes, as {@code exim -bh} is spoken to. */
class SmtpSessionPipeTest {

    private static SmtpSession over(String... argv) throws Exception {
        Conversation c = new CommandRunner().converse(Command.of(argv), Duration.ofMillis(100));
        return SmtpSession.over(c.output(), c.input(), c, SmtpReader.Limits.DEFAULT);
    }

    @Test
    void aServerThatExitsIsAClosedSessionWhetherTheWriteOrTheReadNoticesIt() throws Exception {
        // the process may be gone before the command is written (the pipe's write fails) or just
        // after (the read sees the end); either way the session is CLOSED, which the probe answers
        // with a new session, never an error that stops it
        for (int i = 0; i < 20; i++) {
            try (SmtpSession s = over("printf", "220 bye\\r\\n")) {
                assertThat(s.greeting().code()).isEqualTo(220);
                if (i % 2 == 0) {
                    Thread.sleep(50);
                }
                assertThatThrownBy(() -> s.send("EHLO x")).isInstanceOfSatisfying(SmtpProtocolException.class,
                        e -> assertThat(e.kind()).isEqualTo(SmtpProtocolException.Kind.CLOSED));
            }
        }
    }

    @Test
    void aSilentServerTimesOutAtTheReplyDeadlineAndStartTlsIsRefused() throws Exception {
        SmtpReader.Limits quick = new SmtpReader.Limits(2048, 100, 256 * 1024, 500);
        Conversation c = new CommandRunner().converse(Command.of("sleep", "30"), Duration.ofMillis(100));
        try (SmtpSession s = SmtpSession.over(c.output(), c.input(), c, quick)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(s::greeting).isInstanceOfSatisfying(SmtpProtocolException.class,
                    e -> assertThat(e.kind()).isEqualTo(SmtpProtocolException.Kind.TIMEOUT));
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(400L, 3_000L);
            assertThatThrownBy(() -> s.startTls("x")).hasMessageContaining("no STARTTLS over a process's pipes");
        }
        assertThat(ProcessHandle.of(c.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
}
