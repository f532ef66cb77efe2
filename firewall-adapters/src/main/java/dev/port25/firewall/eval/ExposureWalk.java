package dev.port25.firewall.eval;

import dev.port25.firewall.net.IpFamily;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * An {@link Exposure} gathered from decisions: the first address of every interval of sources
 * (or destinations) on which all rules agree, decided once per interval in each place a
 * connection can arrive (an interface, a profile's network). A source is allowed when some place
 * accepts it; where places disagree, {@link Exposure#byInterface()} says how. Shared by every
 * platform's evaluation.
 */
public final class ExposureWalk {

    private final IpFamily family;
    private final List<BigInteger> starts;
    private final boolean[] accepted;
    private final List<RuleRef> decidedBy = new ArrayList<>();
    private final Set<String> notes = new LinkedHashSet<>();
    private final Map<String, Exposure.Level> byPlace = new LinkedHashMap<>();
    private boolean unknown;

    /** @param starts the intervals' first addresses, ascending, the first 0 */
    public ExposureWalk(IpFamily family, List<BigInteger> starts) {
        this.family = family;
        this.starts = List.copyOf(starts);
        this.accepted = new boolean[starts.size()];
    }

    /** Decides every interval in {@code place}, by its first address. */
    public void place(String place, Function<BigInteger, Decision> decide) {
        boolean accepts = false;
        boolean blocks = false;
        boolean undecided = false;
        for (int i = 0; i < starts.size(); i++) {
            Decision d = decide.apply(starts.get(i));
            d.decidedBy().filter(r -> !decidedBy.contains(r)).ifPresent(decidedBy::add);
            switch (d.verdict()) {
                case ACCEPT -> {
                    accepts = true;
                    accepted[i] = true;
                }
                case DROP, REJECT -> blocks = true;
                case UNKNOWN -> undecided = true;
            }
            if (d.verdict() == Verdict.UNKNOWN || notes.size() < 8) {
                notes.addAll(d.notes());
            }
        }
        unknown |= undecided;
        byPlace.put(place, undecided ? Exposure.Level.UNKNOWN : !blocks ? Exposure.Level.OPEN
                : !accepts ? Exposure.Level.CLOSED : Exposure.Level.RESTRICTED);
    }

    /** A fact to show with the result. */
    public void note(String note) {
        notes.add(note);
    }

    /** The exposure over every place walked: UNKNOWN when some interval was undecided somewhere. */
    public Exposure result() {
        Map<String, Exposure.Level> shown = byPlace.values().stream().distinct().count() <= 1 ? Map.of() : byPlace;
        if (unknown) {
            return new Exposure(family, Exposure.Level.UNKNOWN, List.of(), shown, decidedBy, List.copyOf(notes));
        }
        return Exposure.decided(family, starts, accepted, shown, decidedBy, List.copyOf(notes));
    }
}
