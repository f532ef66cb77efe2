package dev.port25.agent.platform.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

import java.io.IOException;

/**
 * The agent's one libc binding: the few functions the Linux inventory (netlink, owners, entering
 * other network namespaces) and the systemd notifications need, bound through a JNA interface.
 * Interface mapping binds lazily and starts about 15 ms sooner than direct mapping; the agent
 * makes a handful of calls, so the per-call cost does not matter.
 */
public interface LibC extends Library {

    int AF_UNIX = 1;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    /** setns(2)'s nstype for a network namespace. */
    int CLONE_NEWNET = 0x40000000;

    /** struct sockaddr_un on Linux: sa_family_t (2 bytes), then 108 bytes of path. */
    @Structure.FieldOrder({"family", "path"})
    final class SockaddrUn extends Structure {
        public short family;
        public byte[] path = new byte[108];
    }

    /**
     * The bound library. Loading it never throws from a static initializer (where the cause would
     * be lost to later callers as "Could not initialize class"); a failure is kept and reported.
     */
    final class Binding {
        private static final LibC LIBC;
        private static final Throwable FAILURE;

        static {
            LibC libc = null;
            Throwable failure = null;
            try {
                // "libc.so.6": the name "c" would first probe the libc.so linker script.
                libc = Native.load(Platform.C_LIBRARY_NAME, LibC.class);
            } catch (Throwable t) {
                failure = t;
            }
            LIBC = libc;
            FAILURE = failure;
        }

        private Binding() {
        }

        /** libc, or an exception that says why JNA could not bind it. */
        public static LibC get() throws IOException {
            if (LIBC == null) {
                throw new IOException("cannot bind libc through JNA: " + FAILURE, FAILURE);
            }
            return LIBC;
        }
    }


    int socket(int domain, int type, int protocol) throws LastErrorException;

    int setsockopt(int fd, int level, int name, Pointer value, int len) throws LastErrorException;

    NativeLong send(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

    NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, SockaddrUn addr, int addrlen)
            throws LastErrorException;

    NativeLong recv(int fd, Pointer buf, NativeLong len, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int open(String path, int flags) throws LastErrorException;

    /** Moves the calling thread (only it) into the namespace {@code fd} refers to. */
    int setns(int fd, int nstype) throws LastErrorException;

    /** Not thread-safe in libc: callers synchronize on {@code LibC.class}. */
    Pointer getpwuid(int uid);

    Pointer if_indextoname(int ifIndex, byte[] name);
}
