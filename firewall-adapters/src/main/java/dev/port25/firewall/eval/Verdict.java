package dev.port25.firewall.eval;

/** What the packet filter does with one new inbound connection. */
public enum Verdict {
    /** Every layer lets it through. */
    ACCEPT,
    /** A layer drops it silently. */
    DROP,
    /** A layer refuses it (TCP reset or ICMP error). */
    REJECT,
    /** The rules could not be evaluated for it; the decision says why. */
    UNKNOWN;

    /** DROP or REJECT. */
    public boolean blocks() {
        return this == DROP || this == REJECT;
    }
}
