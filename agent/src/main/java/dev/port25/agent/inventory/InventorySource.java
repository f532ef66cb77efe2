package dev.port25.agent.inventory;

import java.util.Locale;

/** Where an inventory came from; each source has its own known gaps. */
public enum InventorySource {
    /** Linux netlink sock_diag, with owners from {@code /proc/<pid>/fd}. Complete. */
    NETLINK,
    /** OSHI {@code InternetProtocolStats}: portable, with the gaps listed in {@link OshiSocketInventory}. */
    OSHI;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
