package dev.port25.firewall.exec;

import org.junit.jupiter.api.Test;

import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CommandRunner against real programs from coreutils and the JDK's own launcher. */
class CommandRunnerTest {

    private final CommandRunner runner = new CommandRunner();

    @Test
    void argvIsPassedAsIsWithoutAShell() throws Exception {
        CommandResult r = runner.run("printf", "%s|", "a b", "$HOME", "; rm -rf /", "*");
        assertThat(r.ok()).isTrue();
        assertThat(r.stdout()).isEqualTo("a b|$HOME|; rm -rf /|*|");
    }

    @Test
    void localeIsAlwaysC() throws Exception {
        CommandResult r = runner.run(Command.of("env").withEnv("LC_ALL", "de_DE.UTF-8").withEnv("PORT25_X", "1"));
        assertThat(r.stdoutLines()).contains("LC_ALL=C", "PORT25_X=1");
    }

    @Test
    void nonZeroExitIsData() throws Exception {
        CommandResult r = runner.run("ls", "/nonexistent-port25-path");
        assertThat(r.ok()).isFalse();
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("nonexistent-port25-path");
        assertThat(r.describe()).startsWith("'ls /nonexistent-port25-path' exited 2: ");
    }

    @Test
    void missingProgramIsItsOwnError() {
        assertThatThrownBy(() -> runner.run("port25-no-such-program", "x"))
                .isInstanceOf(CommandException.NotFound.class)
                .hasMessageContaining("'port25-no-such-program' not found");
    }

    @Test
    void prefixRunsTheCommandThroughALauncherAndKeepsNotFoundApart() throws Exception {
        CommandRunner viaEnv = runner.withPrefix(List.of("env", "PORT25_X=2"));
        assertThat(viaEnv.run("printenv", "PORT25_X").stdout()).isEqualTo("2\n");
        assertThatThrownBy(() -> viaEnv.run("port25-no-such-program"))
                .isInstanceOf(CommandException.NotFound.class);
        assertThat(viaEnv.run("ls", "/nonexistent-port25-path").exitCode())
                .as("a program's own 'No such file' stays data").isEqualTo(2);
    }

    @Test
    void timeoutKillsTheProcess() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> runner.run(Command.of("sleep", "30").withTimeout(Duration.ofMillis(300))))
                .isInstanceOf(CommandException.TimedOut.class)
                .hasMessageContaining("ran longer than 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void interruptKillsTheProcessAndKeepsTheFlag() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flag = new AtomicBoolean();
        Thread t = new Thread(() -> {
            try {
                runner.run("sleep", "30");
            } catch (Throwable e) {
                thrown.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        t.start();
        Thread.sleep(300);
        t.interrupt();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(CommandException.Interrupted.class);
        assertThat(flag.get()).isTrue();
    }

    @Test
    void largeStdoutAndStderrAtOnceDoNotDeadlock() throws Exception {
        // 4 MiB on each stream, far beyond a pipe buffer: needs both read concurrently.
        String script = "head -c 4194304 /dev/zero; head -c 4194304 /dev/zero >&2";
        CommandResult r = runner.run(Command.of(List.of("sh", "-c", script)).withTimeout(Duration.ofSeconds(20)));
        assertThat(r.stdout()).hasSize(4 * 1024 * 1024);
        assertThat(r.stderr()).hasSize(4 * 1024 * 1024);
        assertThat(r.truncated()).isFalse();
    }

    @Test
    void stdinIsFedAndClosed() throws Exception {
        CommandResult r = runner.run(Command.of("cat").withStdin("table inet port25_agent\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.stdout()).isEqualTo("table inet port25_agent\n");
    }

    @Test
    void inputTheChildNeverReadsDoesNotDefeatTheTimeout() {
        byte[] big = new byte[4 * 1024 * 1024]; // far beyond a pipe buffer
        assertThatThrownBy(() -> runner.run(Command.of("sleep", "30").withStdin(big).withTimeout(Duration.ofMillis(500))))
                .isInstanceOf(CommandException.TimedOut.class);
    }

    @Test
    void withoutInputTheChildReadsEndOfFile() throws Exception {
        CommandResult r = runner.run(Command.of("cat").withTimeout(Duration.ofSeconds(5)));
        assertThat(r.ok()).isTrue();
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void backgroundProcessIsReadLineByLineAndStoppedByPid() throws Exception {
        try (BackgroundProcess p = runner.spawn(Command.of("sh", "-c", "echo READY; exec sleep 30"))) {
            assertThat(p.readLine(Duration.ofSeconds(5))).contains("READY");
            assertThat(p.isAlive()).isTrue();
            long pid = p.pid();
            p.stop();
            assertThat(p.isAlive()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void conversationEchoesThroughThePipesAndASilentChildTimesOutEachRead() throws Exception {
        try (Conversation c = runner.converse(Command.of("cat"), Duration.ofMillis(200))) {
            c.input().write("HELO x\r\n".getBytes(StandardCharsets.US_ASCII));
            c.input().flush();
            byte[] got = new byte[8];
            int n = 0;
            while (n < got.length) {
                n += c.output().read(got, n, got.length - n);
            }
            assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("HELO x\r\n");
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> c.output().read(got)).isInstanceOf(InterruptedIOException.class)
                    .hasMessageContaining("no output within 200 ms");
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(150L, 2_000L);
        }
    }

    @Test
    void conversationKeepsEveryByteAChildWroteBeforeItExited() throws Exception {
        // 1 MB is eight times what the queue holds: the pump waits for the reader, nothing is dropped
        try (Conversation c = runner.converse(Command.of("head", "-c", "1000000", "/dev/zero"), Duration.ofSeconds(5))) {
            long total = 0;
            byte[] buf = new byte[3000];
            for (int n; (n = c.output().read(buf)) >= 0; ) {
                total += n;
            }
            assertThat(total).isEqualTo(1_000_000L);
        }
    }

    @Test
    void conversationCloseAndTimeoutEndTheChildByPid() throws Exception {
        Conversation c = runner.converse(Command.of("sleep", "60"), Duration.ofMillis(100));
        ProcessHandle h = ProcessHandle.of(c.pid()).orElseThrow();
        long t0 = System.nanoTime();
        c.close();
        assertThat(h.isAlive()).isFalse();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000L);

        Conversation timed = runner.converse(Command.of("sleep", "60").withTimeout(Duration.ofMillis(300)),
                Duration.ofMillis(100));
        ProcessHandle t = ProcessHandle.of(timed.pid()).orElseThrow();
        assertThat(t.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(timed.output().read()).as("output ends with the process").isEqualTo(-1);
        timed.close();
    }

    @Test
    void commandRejectsEmptyArgvAndBadTimeout() {
        assertThatThrownBy(() -> Command.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Command(List.of("x"), Duration.ZERO, Map.of(), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
