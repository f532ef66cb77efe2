package dev.port25.agent.platform;

import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.WinReg;

import java.util.Locale;
import java.util.Optional;

/**
 * Windows' machine id: the MachineGuid Windows setup writes to
 * {@code HKLM\SOFTWARE\Microsoft\Cryptography} (stable across renames; new on a sysprep'd clone),
 * read through the registry API (JNA), as the 32 lowercase hex digits /etc/machine-id has on Linux.
 */
public final class WindowsMachineGuid {

    private WindowsMachineGuid() {
    }

    /** This host's, or empty where it cannot be read. */
    public static Optional<String> read() {
        try {
            return normalize(Advapi32Util.registryGetStringValue(WinReg.HKEY_LOCAL_MACHINE,
                    "SOFTWARE\\Microsoft\\Cryptography", "MachineGuid"));
        } catch (RuntimeException | LinkageError e) { // Win32Exception, or no Windows
            return Optional.empty();
        }
    }

    /** "{6B29FC40-CA47-1067-B31D-00DD010662DA}" or without braces: 32 lowercase hex digits; empty for anything else. */
    static Optional<String> normalize(String guid) {
        String hex = guid.strip().replaceAll("^\\{|}$", "").replace("-", "").toLowerCase(Locale.ROOT);
        return hex.matches("[0-9a-f]{32}") ? Optional.of(hex) : Optional.empty();
    }
}
