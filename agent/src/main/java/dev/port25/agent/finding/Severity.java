package dev.port25.agent.finding;

/**
 * How bad a finding is, and what it does to the verdict: CRITICAL makes it CRITICAL, HIGH and
 * MEDIUM a WARNING, LOW is shown but leaves the verdict alone.
 */
public enum Severity {
    CRITICAL, HIGH, MEDIUM, LOW
}
