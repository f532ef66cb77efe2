package dev.port25.agent.platform;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import dev.port25.agent.platform.linux.LibC;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * sd_notify(3) without libsystemd: a datagram to the AF_UNIX socket named by NOTIFY_SOCKET
 * ("@" for the abstract namespace), through the agent's libc binding (the JDK has no Unix
 * datagram sockets). A message that cannot be sent is dropped: systemd then says so itself
 * (a start that times out, a watchdog that fires).
 */
final class SystemdServiceHost implements ServiceHost {

    private final String socket;
    private final Optional<Duration> watchdog;

    SystemdServiceHost(String socket, Optional<Duration> watchdog) {
        this.socket = socket;
        this.watchdog = watchdog;
    }

    /** The watchdog interval systemd asked for (WATCHDOG_USEC), if this process is the one it watches. */
    static Optional<Duration> watchdogFromEnvironment() {
        String usec = System.getenv("WATCHDOG_USEC");
        String pid = System.getenv("WATCHDOG_PID");
        if (usec == null || !usec.matches("\\d{1,18}")
                || (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Long.parseLong(usec) * 1000));
    }

    @Override
    public void ready(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    @Override
    public void reloading() {
        send("RELOADING=1");
    }

    @Override
    public void reloaded() {
        send("READY=1");
    }

    @Override
    public void stopping() {
        send("STOPPING=1");
    }

    @Override
    public void alive() {
        send("WATCHDOG=1");
    }

    @Override
    public Optional<Duration> watchdog() {
        return watchdog;
    }

    @Override
    public void onRequests(Runnable stop, Runnable reload) {
        PosixSignals.onRequests(stop, reload, true); // systemctl stop and reload send SIGTERM and (our unit's ExecReload) SIGHUP
    }

    /** Sends newline-separated "KEY=value" lines; false when it could not. */
    boolean send(String state) {
        byte[] name = socket.getBytes(StandardCharsets.UTF_8);
        if (name.length >= 108) {
            return false;
        }
        LibC.SockaddrUn addr = new LibC.SockaddrUn();
        addr.family = LibC.AF_UNIX;
        System.arraycopy(name, 0, addr.path, 0, name.length);
        if (name[0] == '@') {
            addr.path[0] = 0; // abstract namespace
        }
        addr.write();
        try {
            LibC libc = LibC.Binding.get();
            int fd = libc.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
            try {
                byte[] msg = state.getBytes(StandardCharsets.UTF_8);
                // the address length: the family and the name's bytes (for the abstract namespace exactly those)
                return libc.sendto(fd, msg, new NativeLong(msg.length), 0, addr, 2 + name.length).longValue()
                        == msg.length;
            } finally {
                libc.close(fd);
            }
        } catch (IOException | LastErrorException e) {
            return false;
        }
    }
}
