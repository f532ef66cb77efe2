package dev.port25.agent.inventory.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc functions the Linux inventory needs, bound through a JNA interface. Interface
 * mapping binds lazily and starts about 15 ms sooner than direct mapping; the inventory makes
 * a handful of calls, so the per-call cost does not matter.
 */
interface LibC extends Library {

    /** "libc.so.6": the name "c" would first probe the libc.so linker script. */
    LibC INSTANCE = Native.load(Platform.C_LIBRARY_NAME, LibC.class);

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int setsockopt(int fd, int level, int name, Pointer value, int len) throws LastErrorException;

    NativeLong send(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

    NativeLong recv(int fd, Pointer buf, NativeLong len, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    /** Not thread-safe in libc; callers synchronize on {@code LibC.class}. */
    Pointer getpwuid(int uid);

    Pointer if_indextoname(int ifIndex, byte[] name);
}
