package dev.port25.agent.inventory;

import java.util.Arrays;
import java.util.Comparator;

/** Helpers over {@link Listener}s. */
public final class Listeners {

    private Listeners() {
    }

    /** A stable order for output: protocol, family, address bytes, port, interface, inode. */
    public static final Comparator<Listener> ORDER = Comparator
            .comparing(Listener::protocol)
            .thenComparing(Listener::family)
            .thenComparing((Listener l) -> l.address().getAddress(), Arrays::compareUnsigned)
            .thenComparingInt(Listener::port)
            .thenComparing(l -> l.boundInterface().orElse(""))
            .thenComparingLong(l -> l.inode().orElse(0));
}
