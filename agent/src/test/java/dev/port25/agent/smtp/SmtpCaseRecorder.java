package dev.port25.agent.smtp;

import dev.port25.firewall.exec.CommandRunner;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Records one case folder of {@code smtp-cases} from a real server: probes it in this process
 * (started by SmtpProbeIT inside the peer namespace, with the agent jar and the test classes on
 * the class path), then checks that the transcript, written as JSON and read back, is judged to
 * the very result the probe returned. Not a test by itself; exit 1 when they disagree.
 *
 * <p>Arguments: out-dir case-name address port name users(comma-separated) domain(or "") source;
 * for the local path's Exim host check (enumeration and relay only, through {@code exim -bh}, run
 * in the server's namespace) the name is {@code exim-bh:BINARY:CONFIG:CLIENT}.
 */
public final class SmtpCaseRecorder {

    private SmtpCaseRecorder() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).resolve(args[1]);
        InetAddress address = InetAddress.getByName(args[2]);
        int port = Integer.parseInt(args[3]);
        String name = args[4];
        SmtpProbe.Options d = SmtpProbe.Options.defaults();
        SmtpProbe.Options options = new SmtpProbe.Options(d.heloName(), Arrays.asList(args[5].split(",")),
                args[6].isEmpty() ? Optional.empty() : Optional.of(args[6]), List.of(), d.connectTimeout(), d.limits());
        SmtpProbe probe = new SmtpProbe(options);
        SmtpTranscript transcript;
        if (name.startsWith("exim-bh:")) {
            String[] p = name.split(":", 4);
            EximConfig exim = new EximConfig(Path.of(p[1]), Optional.of(Path.of(p[2])), Map.of());
            transcript = probe.converseAccess(exim.hostCheck(new CommandRunner(), p[3], options.limits()), address);
            name = address.getHostAddress();
        } else {
            transcript = probe.converse(new InetSocketAddress(address, port), name);
        }
        SmtpProbeResult live = SmtpJudge.judge(options, transcript);
        String target = (name.contains(":") ? "[" + name + "]" : name) + ":" + port;
        SmtpCases.Case recorded = new SmtpCases.Case(target, options, transcript);
        SmtpCases.write(dir, recorded, live, args[7]);
        SmtpCases.Case back = SmtpCases.read(dir);
        SmtpProbeResult again = SmtpJudge.judge(back.options(), back.transcript());
        if (!back.transcript().equals(transcript) || !again.equals(live)) {
            System.out.println("DISAGREE " + args[1] + "\nlive:   " + live + "\njudged: " + again);
            System.exit(1);
        }
        System.out.println("RECORDED " + dir + " vrfy " + live.vrfy() + " expn " + live.expn() + " rcpt "
                + live.rcpt() + " findings " + live.findings().stream().map(f -> f.kind().name()).toList()
                + " error " + live.error().orElse("-"));
    }
}
