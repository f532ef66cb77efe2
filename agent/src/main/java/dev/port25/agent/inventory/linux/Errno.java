package dev.port25.agent.inventory.linux;

/** Names for the errno values sock_diag and /proc reads produce. */
final class Errno {

    private Errno() {
    }

    static String name(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 11 -> "EAGAIN (timed out)";
            case 13 -> "EACCES";
            case 22 -> "EINVAL";
            case 93 -> "EPROTONOSUPPORT";
            case 95 -> "EOPNOTSUPP";
            case 97 -> "EAFNOSUPPORT";
            default -> "errno " + errno;
        };
    }
}
