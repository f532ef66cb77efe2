package dev.port25.firewall.eval;

import java.util.List;

/** One rule: all matches must hold for the action to happen. */
record Rule(List<Cond> conds, Action action, RuleRef ref) {

    Rule {
        conds = List.copyOf(conds);
    }
}
