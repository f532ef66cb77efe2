package dev.port25.firewall.windows;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.net.IpFamily;

import java.util.List;

/**
 * Run by MsiTablesIT in a JVM with the Windows service's options: one read of the firewall
 * through the adapter, its powershell.exe a stand-in in the folder given (on PATH first), then
 * the exposure of port 25 judged from it. Prints "N rules read, ..." and exits 0; an
 * OutOfMemoryError ends the JVM otherwise.
 */
public final class ReadOfARuleset {

    private ReadOfARuleset() {
    }

    public static void main(String[] args) throws Exception {
        WindowsAdapter adapter = new WindowsAdapter(new CommandRunner().withPrefix(List.of("env",
                "PATH=" + args[0] + ":/usr/bin:/bin")), "Windows Server 2022");
        WindowsState s = adapter.read();
        System.out.println(s.policy().rules().size() + " rules read, port 25 over IPv4 "
                + s.packetFilter().exposure(IpFamily.IPV4, 25).level() + ", over IPv6 "
                + s.packetFilter().exposure(IpFamily.IPV6, 25).level());
    }
}
