package dev.port25.agent.inventory;

/**
 * How far a listener's bound address reaches.
 *
 * <ul>
 *   <li>{@link #LOOPBACK}: bound to a loopback address (127.0.0.0/8, ::1, or ::ffff:127.x.y.z);
 *       only this host can connect.</li>
 *   <li>{@link #WILDCARD}: bound to 0.0.0.0 or :: (or ::ffff:0.0.0.0); every interface accepts.</li>
 *   <li>{@link #ADDRESS}: bound to one non-loopback address; see {@link AddressClass} for how
 *       widely that address can be reached.</li>
 * </ul>
 */
public enum Scope {
    LOOPBACK, WILDCARD, ADDRESS
}
