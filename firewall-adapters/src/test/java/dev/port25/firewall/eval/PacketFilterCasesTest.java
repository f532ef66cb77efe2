package dev.port25.firewall.eval;

import dev.port25.firewall.net.IpFamily;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays the cases {@link VerdictTruthIT} recorded from real tools (one folder per case under
 * {@code eval/}, with {@code source.txt} naming the tools and versions): the packet filter built
 * from the recorded output gives, per family, the verdict the peer's connection met at recording
 * time and the same exposure.
 */
class PacketFilterCasesTest {

    private static final Pattern PEER = Pattern.compile("(ipv4|ipv6) from (\\S+) via (\\S+): (\\w+)");
    private static final Pattern EXPOSURE = Pattern.compile("(ipv4|ipv6) exposure: (.*)");

    static Stream<Path> cases() throws IOException, URISyntaxException {
        Path root = Path.of(PacketFilterCasesTest.class.getResource("/eval").toURI());
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).sorted().toList().stream();
        }
    }

    static PacketFilterReader.Snapshot snapshot(Path dir) throws IOException {
        Map<String, String> outputs = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (PacketFilterReader.FILES.contains(name) || name.startsWith("route-")) {
                    outputs.put(name, Files.readString(f));
                }
            }
        }
        return new PacketFilterReader.Snapshot(outputs, List.of());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void recordedCaseGivesTheVerdictThePeerMet(Path dir) throws IOException {
        assertThat(dir.resolve("source.txt")).exists();
        PacketFilter filter = PacketFilterReader.build(snapshot(dir));
        List<String> actual = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("expected.txt"))) {
            Matcher peer = PEER.matcher(line);
            Matcher exposure = EXPOSURE.matcher(line);
            if (peer.matches()) {
                Decision d = filter.decide(new Packet(InetAddress.getByName(peer.group(2)), Optional.of(peer.group(3)), 25));
                actual.add(peer.group(1) + " from " + peer.group(2) + " via " + peer.group(3) + ": " + d.verdict());
                if (d.verdict() != Verdict.ACCEPT) {
                    assertThat(d.decidedBy()).as(line).isPresent();
                }
            } else if (exposure.matches()) {
                IpFamily f = IpFamily.valueOf(exposure.group(1).toUpperCase(Locale.ROOT));
                Exposure e = filter.exposure(f, 25);
                actual.add(f.label() + " exposure: " + e.level() + " " + e.allowedFrom() + " " + e.byInterface());
            } else {
                throw new AssertionError("unknown line in " + dir + "/expected.txt: " + line);
            }
        }
        assertThat(actual).containsExactlyElementsOf(Files.readAllLines(dir.resolve("expected.txt")));
    }
}
