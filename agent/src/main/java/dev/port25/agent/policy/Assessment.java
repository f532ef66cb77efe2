package dev.port25.agent.policy;

import dev.port25.agent.facts.RoleResolver;
import dev.port25.agent.finding.Finding;

import java.util.List;
import java.util.Objects;

/**
 * The {@link Evaluator}'s judgement of one host.
 *
 * @param verdict  CRITICAL if any finding is; else UNKNOWN if something could not be judged; else
 *                 WARNING for a HIGH or MEDIUM finding; else OK (LOW findings are shown only)
 * @param role     the role it was judged for, and why
 * @param findings worst first
 * @param facts    one line per fact weighed, for the human output
 */
public record Assessment(Verdict verdict, RoleResolver.Decision role, List<Finding> findings, List<String> facts) {
    public Assessment {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(role, "role");
        findings = List.copyOf(findings);
        facts = List.copyOf(facts);
    }
}
