package dev.port25.firewall.eval;

import dev.port25.firewall.net.IpFamily;

import java.math.BigInteger;
import java.util.Optional;

/** What a rule does when all its matches hold. */
sealed interface Action {

    /** Whether the rule can change the flow's fate (otherwise its matches need not be decided). */
    default boolean decisive() {
        return true;
    }

    record Accept() implements Action {
    }

    record Drop() implements Action {
    }

    record Reject() implements Action {
    }

    record Jump(String chain) implements Action {
    }

    record Goto(String chain) implements Action {
    }

    record Return() implements Action {
    }

    /** Counting, logging, marking: the next rule follows. */
    record Continue() implements Action {
        @Override
        public boolean decisive() {
            return false;
        }
    }

    /** Conntrack is switched off for the flow (raw NOTRACK): ct state becomes "untracked". */
    record Notrack() implements Action {
    }

    /** Destination NAT; an empty address keeps the address (port rewrite only). */
    record Dnat(IpFamily family, Optional<BigInteger> address, Optional<Integer> port, String text) implements Action {
    }

    /** Something the evaluation cannot follow (a queue to user space, an unknown target). */
    record Unknown(String why) implements Action {
    }
}
