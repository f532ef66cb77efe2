package dev.port25.agent.daemon;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * sd_notify(3) without libsystemd: a datagram to the AF_UNIX socket named by NOTIFY_SOCKET
 * ("@" for the abstract namespace), through libc by JNA (the JDK has no Unix datagram sockets).
 * Absent NOTIFY_SOCKET (not under systemd, or Type= is not notify) it does nothing.
 */
final class SystemdNotify {

    interface LibC extends Library {
        int socket(int domain, int type, int protocol);

        int sendto(int fd, byte[] buf, long len, int flags, SockaddrUn addr, int addrlen);

        int close(int fd);
    }

    /** struct sockaddr_un on Linux: sa_family_t (2 bytes), then 108 bytes of path. */
    @Structure.FieldOrder({"family", "path"})
    public static final class SockaddrUn extends Structure {
        public short family;
        public byte[] path = new byte[108];
    }

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;

    private final Optional<String> socket;

    SystemdNotify(Optional<String> socket) {
        this.socket = socket.filter(s -> !s.isEmpty());
    }

    static SystemdNotify fromEnvironment() {
        return new SystemdNotify(Optional.ofNullable(System.getenv("NOTIFY_SOCKET")));
    }

    boolean enabled() {
        return socket.isPresent();
    }

    /** The watchdog interval systemd asked for (WATCHDOG_USEC), if this process is the one it watches. */
    static Optional<Duration> watchdog() {
        String usec = System.getenv("WATCHDOG_USEC");
        String pid = System.getenv("WATCHDOG_PID");
        if (usec == null || !usec.matches("\\d{1,18}")
                || (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Long.parseLong(usec) * 1000));
    }

    /** Sends "READY=1", "WATCHDOG=1", "STOPPING=1", "RELOADING=1" or "STATUS=..." lines; false when it could not. */
    boolean send(String state) {
        if (socket.isEmpty()) {
            return false;
        }
        byte[] name = socket.get().getBytes(StandardCharsets.UTF_8);
        if (name.length >= 108) {
            return false;
        }
        SockaddrUn addr = new SockaddrUn();
        addr.family = AF_UNIX;
        System.arraycopy(name, 0, addr.path, 0, name.length);
        if (name[0] == '@') {
            addr.path[0] = 0; // abstract namespace
        }
        addr.write();
        LibC libc = Native.load("c", LibC.class);
        int fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return false;
        }
        try {
            byte[] msg = state.getBytes(StandardCharsets.UTF_8);
            // the address length: the family and the name's bytes (for the abstract namespace exactly those)
            return libc.sendto(fd, msg, msg.length, 0, addr, 2 + name.length) == msg.length;
        } finally {
            libc.close(fd);
        }
    }
}
