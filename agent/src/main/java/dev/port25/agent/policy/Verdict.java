package dev.port25.agent.policy;

/**
 * The overall judgement of a check, named as monitoring plugins (Nagios, Icinga) name service
 * states; the CLI maps it to the matching exit code.
 */
public enum Verdict {
    OK, WARNING, CRITICAL, UNKNOWN
}
