package dev.port25.agent.platform;

import java.util.Locale;

/**
 * The one place that tells which operating system the agent runs on (but for the settings'
 * default paths, {@code settings.AgentPaths}, whose layer is below this package's).
 */
public enum OperatingSystem {
    LINUX, WINDOWS, MACOS, OTHER;

    private static final OperatingSystem CURRENT = of(System.getProperty("os.name", ""));

    /** The system named by an {@code os.name} value. */
    static OperatingSystem of(String osName) {
        String n = osName.toLowerCase(Locale.ROOT);
        return n.startsWith("linux") ? LINUX : n.startsWith("windows") ? WINDOWS : n.startsWith("mac") ? MACOS : OTHER;
    }

    /** The system this JVM runs on. */
    public static OperatingSystem current() {
        return CURRENT;
    }

    /** True on Linux, where netlink sock_diag is the primary inventory source and namespaces can be entered. */
    public static boolean isLinux() {
        return CURRENT == LINUX;
    }
}
