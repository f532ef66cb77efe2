package dev.port25.agent.policy;

import dev.port25.agent.dns.MailDomainRecords;
import dev.port25.agent.inventory.Inventory;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.smtp.LocalSmtpAudit;
import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.net.IpFamily;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the {@link Evaluator} weighs about one host, gathered beforehand, so the judgement
 * itself is pure and can be tested from recorded states.
 *
 * @param role      the host's role and why
 * @param settings  the settings in force
 * @param inventory the listeners on the covered ports, or why they could not be listed
 * @param firewall  what the firewall lets through per port and family, or why it could not be read
 * @param smtp      the local SMTP audit of each TCP listener; empty when not probed (status does not probe)
 * @param dns       the DNS records of each of a MAIL_SERVER's mail domains; empty when not asked
 *                  (status does not, nor does any other role)
 */
public record Facts(RoleResolver.Decision role, Settings settings, Result<Inventory> inventory,
                    Result<FirewallView> firewall, Optional<List<LocalSmtpAudit.Report>> smtp,
                    Optional<List<MailDomainRecords>> dns) {

    /** Facts without DNS records. */
    public Facts(RoleResolver.Decision role, Settings settings, Result<Inventory> inventory,
                 Result<FirewallView> firewall, Optional<List<LocalSmtpAudit.Report>> smtp) {
        this(role, settings, inventory, firewall, smtp, Optional.empty());
    }

    public Facts {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(inventory, "inventory");
        Objects.requireNonNull(firewall, "firewall");
        smtp = smtp.map(List::copyOf);
        dns = dns.map(List::copyOf);
    }

    /** A value, or why there is none. */
    public record Result<T>(Optional<T> value, Optional<String> error) {
        public Result {
            if (value.isPresent() == error.isPresent()) {
                throw new IllegalArgumentException("exactly one of value and error");
            }
        }

        public static <T> Result<T> of(T value) {
            return new Result<>(Optional.of(value), Optional.empty());
        }

        public static <T> Result<T> failed(String why) {
            return new Result<>(Optional.empty(), Optional.of(why));
        }
    }

    /**
     * The firewall as it affects the covered ports.
     *
     * @param backend the backend the agent would act through; empty when none can, or when it was
     *                not detected ({@code status} does not)
     * @param inbound per port, per family: who can connect in
     * @param egress  per port, per family: where this host can connect out
     * @param unread  layers that could not be read, each with why
     */
    public record FirewallView(Optional<String> backend, Map<Integer, Map<IpFamily, Exposure>> inbound,
                               Map<Integer, Map<IpFamily, Exposure>> egress, List<String> unread) {
        public FirewallView {
            inbound = Map.copyOf(inbound);
            egress = Map.copyOf(egress);
            unread = List.copyOf(unread);
        }
    }
}
