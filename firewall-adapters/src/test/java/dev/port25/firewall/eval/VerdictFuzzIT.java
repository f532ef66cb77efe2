package dev.port25.firewall.eval;

import dev.port25.firewall.testing.PacketLab;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential fuzzing of the verdicts: rulesets from {@link RulesetGenerator} (a fixed seed and
 * a bounded count per run: {@code -Dp25.fuzz.seed}, {@code -Dp25.fuzz.cases} for a longer run by
 * hand) are loaded with the real tools into the server namespace of a fresh {@link PacketLab},
 * whose listener is on [::]:25 dual-stack or, in every other case, on 0.0.0.0:25 and [::]:25
 * (IPv6 only); for four sources per family the agent's verdict (the
 * evaluation of what {@link PacketFilterReader} read) is compared with what the peer's real
 * connection from that source meets. UNKNOWN is allowed and counted apart; any other difference
 * fails the run, and the case is written to {@code target/fuzz-failures/} in the folder format
 * {@link PacketFilterCasesTest} replays, with the ruleset that made it, to become a recorded
 * regression case.
 */
@Tag("netns")
class VerdictFuzzIT {

    static final long SEED = Long.getLong("p25.fuzz.seed", 20261202L);
    static final int CASES = Integer.getInteger("p25.fuzz.cases", 60);

    @Test
    void theAgentsVerdictOnGeneratedRulesetsIsWhatThePeersConnectionsMeet() throws Exception {
        Prerequisites.require("ip", "nft", "iptables-nft", "iptables-legacy", "conntrack", PacketLab.PYTHON);
        RulesetGenerator generator = new RulesetGenerator(SEED);
        int generated = 0;
        int refused = 0;
        FuzzLab.Tally tally = new FuzzLab.Tally();
        List<String> refusals = new ArrayList<>();
        List<String> disagreements = new ArrayList<>();
        for (int n = 0; n < CASES; n++) {
            RulesetGenerator.Ruleset rs = generator.next();
            generated++;
            // each ruleset in a fresh pair of namespaces; the listener dual-stack, or one socket per family
            PacketLab.Listener listening = n % 2 == 0 ? PacketLab.Listener.DUAL_STACK : PacketLab.Listener.PER_FAMILY;
            try (FuzzLab lab = FuzzLab.start("fuzz", listening)) {
                PacketFilterReader reader = new PacketFilterReader(lab.server());
                Optional<String> why = lab.load(rs);
                if (why.isPresent()) {
                    refused++;
                    if (refusals.size() < 5) {
                        refusals.add(why.get() + "\n" + rs);
                    }
                    continue;
                }
                PacketFilterReader.Snapshot snapshot = reader.snapshot(Optional.empty());
                PacketFilter filter = PacketFilterReader.build(snapshot);
                assertThat(filter.unread()).as("every layer read").isEmpty();
                Map<String, Verdict> met = lab.connectFromAll();
                if (Boolean.getBoolean("p25.fuzz.verbose")) {
                    System.out.println("case " + n + ": " + met + "\n" + rs);
                }
                List<String> wrong = tally.compare(lab, filter, met);
                if (!wrong.isEmpty()) {
                    Path dir = FuzzLab.record("fuzz-" + SEED + "-" + n, "Found by VerdictFuzzIT (seed " + SEED
                            + ", case " + n + ")", rs.toString(), snapshot, lab.expected(met));
                    disagreements.add("case " + n + " (" + dir + ", listener " + listening + "):\n  "
                            + String.join("\n  ", wrong) + "\n" + rs);
                }
            }
        }
        System.out.printf(Locale.ROOT, "verdict fuzz: seed %d, %d rulesets generated (each in fresh namespaces, "
                        + "the listener on [::]:25 dual-stack or on 0.0.0.0:25 and [::]:25 by turns), %d refused by the "
                        + "tools, %d "
                        + "verdicts compared, %d cases with disagreements, %d UNKNOWN (%.1f %%), %d blocks of unknown "
                        + "kind (legacy and nf_tables chains at one priority: compared as blocked), %d blocked after "
                        + "the handshake%n", SEED, generated, refused, tally.compared, disagreements.size(), tally.unknown,
                tally.unknownShare(), tally.blockedOnly, tally.afterHandshake);
        refusals.forEach(r -> System.out.println("refused: " + r));
        disagreements.forEach(d -> System.out.println("disagreement: " + d));
        assertThat(refused).as("the generator writes valid rulesets: " + refusals).isLessThanOrEqualTo(CASES / 10);
        assertThat(tally.compared).isPositive();
        assertThat(tally.unknownShare()).as("an agent that says UNKNOWN everywhere tells nothing").isLessThan(15.0);
        assertThat(tally.afterHandshake).as("the generator writes rules on the packets after the SYN").isPositive();
        assertThat(disagreements).as("verdicts that differ from the peer's connections").isEmpty();
    }
}
