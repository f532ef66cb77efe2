package dev.port25.firewall.eval;

/** Three-valued truth: a rule's match can be true, false, or not decidable from the rules alone. */
enum Tri {
    TRUE, FALSE, UNKNOWN;

    static Tri of(boolean b) {
        return b ? TRUE : FALSE;
    }

    Tri not() {
        return this == TRUE ? FALSE : this == FALSE ? TRUE : UNKNOWN;
    }
}
