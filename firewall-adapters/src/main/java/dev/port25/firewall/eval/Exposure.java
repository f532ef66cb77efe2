package dev.port25.firewall.eval;

import dev.port25.firewall.net.AddrRange;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpFamily;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who can open a new TCP connection to a port over one family, from any source on any
 * non-loopback interface, as the rules of every layer say. A source counts as allowed when it is
 * accepted on at least one interface.
 *
 * @param family      IPv4 or IPv6
 * @param level       OPEN (from everywhere), CLOSED (from nowhere), RESTRICTED (from
 *                    {@code allowedFrom} only), UNKNOWN (see {@code notes})
 * @param allowedFrom for RESTRICTED, the sources accepted, as the fewest CIDRs; empty otherwise
 * @param byInterface the level on each interface, when the interfaces do not all agree; empty when
 *                    they do
 * @param decidedBy   the rules that decided, distinct, in the order met
 * @param notes       why UNKNOWN; otherwise facts worth showing
 */
public record Exposure(IpFamily family, Level level, List<Cidr> allowedFrom, Map<String, Level> byInterface,
                       List<RuleRef> decidedBy, List<String> notes) {

    /** The exposure verdict. */
    public enum Level { OPEN, CLOSED, RESTRICTED, UNKNOWN }

    /** The fewest CIDRs covering exactly the union of {@code networks} (all of one family), in address order. */
    public static List<Cidr> cover(List<Cidr> networks) {
        List<AddrRange> ranges = new ArrayList<>(networks.stream().map(AddrRange::of).toList());
        ranges.sort(Comparator.comparing(AddrRange::lo));
        List<Cidr> out = new ArrayList<>();
        AddrRange cur = null;
        for (AddrRange r : ranges) {
            if (cur != null && r.lo().compareTo(cur.hi().add(BigInteger.ONE)) <= 0) {
                cur = new AddrRange(cur.family(), cur.lo(), cur.hi().max(r.hi()));
            } else {
                if (cur != null) {
                    out.addAll(cur.cidrs());
                }
                cur = r;
            }
        }
        if (cur != null) {
            out.addAll(cur.cidrs());
        }
        return out;
    }

    /**
     * The exposure of a walk whose every interval was decided: {@code starts} are the first
     * addresses of the intervals (ascending, the first 0), {@code accepted} whether each interval's
     * sources (or destinations) are let through.
     */
    static Exposure decided(IpFamily family, List<BigInteger> starts, boolean[] accepted,
                                   Map<String, Level> byInterface, List<RuleRef> decidedBy, List<String> notes) {
        List<Cidr> allowed = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            if (!accepted[i]) {
                continue;
            }
            int j = i;
            while (j + 1 < starts.size() && accepted[j + 1]) {
                j++;
            }
            BigInteger hi = j + 1 < starts.size() ? starts.get(j + 1).subtract(BigInteger.ONE) : AddrRange.max(family);
            allowed.addAll(new AddrRange(family, starts.get(i), hi).cidrs());
            i = j;
        }
        Level level = allowed.isEmpty() ? Level.CLOSED
                : allowed.equals(AddrRange.all(family).cidrs()) ? Level.OPEN : Level.RESTRICTED;
        return new Exposure(family, level, level == Level.RESTRICTED ? allowed : List.of(), byInterface, decidedBy,
                notes);
    }

    public Exposure {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(level, "level");
        allowedFrom = List.copyOf(allowedFrom);
        byInterface = Collections.unmodifiableMap(new LinkedHashMap<>(byInterface));
        decidedBy = List.copyOf(decidedBy);
        notes = List.copyOf(notes);
    }
}
