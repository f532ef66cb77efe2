package dev.port25.agent.inventory.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/** The few libc functions the Linux inventory needs, bound by JNA direct mapping. */
final class LibC {

    static {
        Native.register(Platform.C_LIBRARY_NAME); // "libc.so.6": "c" would probe the libc.so linker script first
    }

    private LibC() {
    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, Pointer value, int len) throws LastErrorException;

    static native NativeLong send(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

    static native NativeLong recv(int fd, Pointer buf, NativeLong len, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /** Not thread-safe in libc; callers synchronize. */
    static native Pointer getpwuid(int uid);

    static native Pointer if_indextoname(int ifIndex, byte[] name);
}
