package dev.port25.firewall.eval;

import dev.port25.firewall.net.IpFamily;

import java.util.List;
import java.util.Optional;

/**
 * A chain of one table. A base chain is attached to a hook at a priority and ends in its policy;
 * a regular chain returns to its caller.
 *
 * @param hook     "ingress", "prerouting", "input", "forward", "output", "postrouting"; empty for a regular chain
 * @param families the families it sees (an inet table: both)
 * @param device   for an ingress chain, the device it is bound to
 * @param handle   its handle in its nf_tables table (a higher one was made later); 0 for iptables
 * @param nat      a base chain of type nat (iptables: of the nat table), which sees only the first
 *                 packet of a connection
 */
record Chain(String name, Optional<String> hook, int priority, Verdict policy, List<IpFamily> families,
             Optional<String> device, List<Rule> rules, RuleRef policyRef, long handle, boolean nat) {

    Chain {
        families = List.copyOf(families);
        rules = List.copyOf(rules);
    }

    boolean base() {
        return hook.isPresent();
    }
}
