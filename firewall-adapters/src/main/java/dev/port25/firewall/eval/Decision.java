package dev.port25.firewall.eval;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What happens to one new inbound TCP connection.
 *
 * @param verdict   accept, drop, reject, or unknown
 * @param decidedBy the rule that decided: the dropping or rejecting rule, or for an accept the last
 *                  rule that explicitly accepted; empty when only chain policies were met
 * @param notes     for UNKNOWN, why; otherwise facts worth showing (a DNAT that forwards the
 *                  connection elsewhere)
 */
public record Decision(Verdict verdict, Optional<RuleRef> decidedBy, List<String> notes) {

    public Decision {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(decidedBy, "decidedBy");
        notes = List.copyOf(notes);
    }

    static Decision unknown(String why) {
        return new Decision(Verdict.UNKNOWN, Optional.empty(), List.of(why));
    }
}
