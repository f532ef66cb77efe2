package dev.port25.firewall.spi;

import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.exec.DaemonThreads;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;

/**
 * Chooses the backend that acts on this host: the active one with the highest priority
 * (firewalld running, else ufw active, else nftables, else iptables), or the one the settings
 * pin. When none can act, the error lists what each backend said.
 */
public final class FirewallSelector {

    /** The chosen adapter and what every backend's detection said. */
    public record Selection(FirewallAdapter adapter, Detection detection, List<Detection> all) {
        public Selection {
            all = List.copyOf(all);
        }
    }

    private final List<FirewallAdapterProvider> providers;

    /** Selects among the providers on the ServiceLoader path. */
    public FirewallSelector() {
        this(ServiceLoader.load(FirewallAdapterProvider.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    /** Selects among {@code providers}. */
    public FirewallSelector(List<FirewallAdapterProvider> providers) {
        this.providers = providers.stream()
                .sorted(Comparator.comparingInt(FirewallAdapterProvider::priority).reversed()).toList();
    }

    /** The provider ids, highest priority first. */
    public List<String> ids() {
        return providers.stream().map(FirewallAdapterProvider::id).toList();
    }

    /**
     * The adapter to use.
     *
     * @param pin a backend id from the settings, or empty to choose by detection
     * @throws FirewallException when the pinned backend is unknown or cannot act, or none can
     */
    public Selection select(CommandRunner runner, Optional<String> pin) throws FirewallException {
        List<Detection> all = new ArrayList<>();
        if (pin.isPresent()) {
            FirewallAdapterProvider p = providers.stream().filter(x -> x.id().equals(pin.get())).findFirst()
                    .orElseThrow(() -> new FirewallException("unknown firewall backend '" + pin.get()
                            + "'; known: " + String.join(", ", ids())));
            FirewallAdapter adapter = p.create(runner);
            Detection d = adapter.detect();
            if (!d.active()) {
                throw new FirewallException("the pinned firewall backend " + p.id() + " cannot act here: " + d.detail());
            }
            return new Selection(adapter, d, List.of(d));
        }
        // every detection runs its own tools (firewall-cmd alone takes ~0.25 s): all at once, chosen in order
        List<FirewallAdapter> adapters = providers.stream().map(p -> p.create(runner)).toList();
        List<CompletableFuture<Detection>> detections = new ArrayList<>();
        for (FirewallAdapter adapter : adapters) {
            detections.add(CompletableFuture.supplyAsync(adapter::detect,
                    DaemonThreads.named("detect-" + adapter.id())));
        }
        Selection chosen = null;
        for (int i = 0; i < adapters.size(); i++) {
            Detection d = detections.get(i).join(); // detect() never throws; an Error is rethrown here
            all.add(d);
            if (chosen == null && d.active()) {
                chosen = new Selection(adapters.get(i), d, List.of());
            }
        }
        if (chosen == null) {
            StringBuilder why = new StringBuilder("no firewall backend can act here:");
            for (Detection d : all) {
                why.append(' ').append(d.backend()).append(": ").append(d.detail()).append(';');
            }
            throw new FirewallException(why.append(" install nftables or iptables, or run as root").toString());
        }
        return new Selection(chosen.adapter(), chosen.detection(), all);
    }
}
