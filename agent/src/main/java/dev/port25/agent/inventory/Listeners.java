package dev.port25.agent.inventory;

import java.util.Arrays;
import java.util.Comparator;

/** Helpers over {@link Listener}s. */
public final class Listeners {

    private Listeners() {
    }

    /**
     * A stable order for output: protocol, family, address bytes, port, interface, inode. A plain
     * class rather than a chain of {@code Comparator.comparing} lambdas: it is on the cold-start
     * path of {@code status}, where each first lambda costs class spinning.
     */
    public static final Comparator<Listener> ORDER = new Comparator<>() {
        @Override
        public int compare(Listener a, Listener b) {
            int c = a.protocol().compareTo(b.protocol());
            if (c == 0) {
                c = a.family().compareTo(b.family());
            }
            if (c == 0) {
                c = Arrays.compareUnsigned(a.address().getAddress(), b.address().getAddress());
            }
            if (c == 0) {
                c = Integer.compare(a.port(), b.port());
            }
            if (c == 0) {
                c = a.boundInterface().orElse("").compareTo(b.boundInterface().orElse(""));
            }
            if (c == 0) {
                c = Long.compare(a.inode().orElse(0), b.inode().orElse(0));
            }
            return c;
        }
    };
}
