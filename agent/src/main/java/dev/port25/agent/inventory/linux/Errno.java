package dev.port25.agent.inventory.linux;

/** Names for the errno values sock_diag, setns and /proc reads produce. */
final class Errno {

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EINVAL = 22;

    private Errno() {
    }

    static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case ESRCH -> "ESRCH";
            case 11 -> "EAGAIN (timed out)";
            case 13 -> "EACCES";
            case EINVAL -> "EINVAL";
            case 93 -> "EPROTONOSUPPORT";
            case 95 -> "EOPNOTSUPP";
            case 97 -> "EAFNOSUPPORT";
            default -> "errno " + errno;
        };
    }
}
