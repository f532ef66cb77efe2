package dev.port25.firewall;

import dev.port25.firewall.spi.FirewallAdapter;
import dev.port25.firewall.spi.FirewallState;

/**
 * A backend's recorded cases for {@link ConformanceTest}: its state as read from real tool
 * output kept under {@code src/test/resources/<backend>/<case>/}.
 */
public interface RecordedStates {

    /** The state recorded for {@code caseName}. */
    FirewallState load(String caseName) throws Exception;

    /** An adapter for plans over recorded states; it must not need to run anything for {@code plan}. */
    FirewallAdapter adapter();
}
