package dev.port25.firewall.windows;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What one read of Windows Defender Firewall's ActiveStore gave: the three profiles with their
 * settings, every rule with its conditions (the rule and its filter objects joined by InstanceID),
 * and which profile each network connection is in. The values are those of the CIM classes
 * (MSFT_NetFirewallRule, MSFT_NetFirewallProfile, MSFT_NetConnectionProfile).
 *
 * @param profiles    Domain, Private and Public, as read
 * @param rules       every rule of the ActiveStore, in the order read
 * @param connections the network connections and their profile; empty when the host has none
 */
record WindowsPolicy(List<Profile> profiles, List<FwRule> rules, List<Connection> connections) {

    WindowsPolicy {
        profiles = List.copyOf(profiles);
        rules = List.copyOf(rules);
        connections = List.copyOf(connections);
    }

    /** The profile of {@code kind}, when read. */
    Optional<Profile> profile(Kind kind) {
        return profiles.stream().filter(p -> p.kind() == kind).findFirst();
    }

    /** A firewall profile; bit values as MSFT_NetFirewallRule's Profile mask. */
    enum Kind {
        DOMAIN(1), PRIVATE(2), PUBLIC(4);

        final int bit;

        Kind(int bit) {
            this.bit = bit;
        }

        /** "Domain", "Private", "Public": the name PowerShell gives. */
        String title() {
            String n = name().toLowerCase(Locale.ROOT);
            return Character.toUpperCase(n.charAt(0)) + n.substring(1);
        }
    }

    /** GpoBoolean: False 0, True 1, NotConfigured 2 (only a GPO store holds NotConfigured). */
    enum GpoBool { FALSE, TRUE, NOT_CONFIGURED }

    /** A rule's or a profile's action: NotConfigured 0, Allow 2, AllowBypass 3, Block 4. */
    enum Act { NOT_CONFIGURED, ALLOW, ALLOW_BYPASS, BLOCK }

    /**
     * One profile's settings, as the ActiveStore merges them from the local store and Group Policy.
     *
     * @param enabled            the firewall is on in this profile
     * @param defaultInbound     what an inbound connection no rule decides meets
     * @param defaultOutbound    what an outbound connection no rule decides meets
     * @param allowInboundRules  False: every inbound allow rule is ignored ("shields up" with a block default)
     * @param allowLocalRules    AllowLocalFirewallRules; False: only Group Policy's rules apply
     * @param disabledInterfaces interfaces the firewall does not filter in this profile
     */
    record Profile(Kind kind, GpoBool enabled, Act defaultInbound, Act defaultOutbound, GpoBool allowInboundRules,
                   GpoBool allowLocalRules, List<String> disabledInterfaces) {
        Profile {
            Objects.requireNonNull(kind, "kind");
            disabledInterfaces = List.copyOf(disabledInterfaces);
        }
    }

    /** A network connection (Get-NetConnectionProfile) and the profile its network category puts it in. */
    record Connection(String alias, Kind profile) {
    }

    /**
     * Where a rule comes from (PolicyStoreSourceType; MS-FASP FW_RULE_ORIGIN_TYPE): None 0, Local 1,
     * GroupPolicy 2, Dynamic 3, Generated 4, Hardcoded 5, MDM 6 (Intune); any other value (the
     * Host* origins 8 to 11, or one a later Windows adds) is OTHER, never taken for local.
     */
    enum Source { NONE, LOCAL, GROUP_POLICY, DYNAMIC, GENERATED, HARDCODED, MDM, OTHER }

    /**
     * One rule of the ActiveStore with its conditions.
     *
     * @param id          its InstanceID, which its filter objects share
     * @param name        its unique Name (for local rules, what {@code -Name} gave)
     * @param displayName its (localizable) display name
     * @param group       its Group, empty when none
     * @param inbound     Direction Inbound (1), else Outbound (2)
     * @param profiles    the profile mask; 0 is Any
     * @param store       PolicyStoreSource: "PersistentStore", a GPO's name, ...
     * @param source      PolicyStoreSourceType
     * @param enforcement EnforcementStatus, as PowerShell names it ("Enforced", "ProfileInactive", ...)
     */
    record FwRule(String id, String name, String displayName, String group, boolean enabled, boolean inbound,
                  Act action, int profiles, String store, Source source, List<String> enforcement, Conditions when) {
        FwRule {
            Objects.requireNonNull(name, "name");
            enforcement = List.copyOf(enforcement);
            Objects.requireNonNull(when, "when");
        }

        /**
         * Whether Windows says it enforces the rule: its EnforcementStatus names Enforced (Full, 1),
         * or none was given. CategoryOff (another firewall holds the category), NotTargetPlatform,
         * FirewallOffInProfile, LocalFirewallRulesDisallowed and the rest are not enforced.
         */
        boolean enforced() {
            return enforcement.isEmpty() || enforcement.stream().anyMatch(s -> s.contains("Enforced")
                    || s.equals("Full") || s.equals("1"));
        }

        /** Whether the rule is active in {@code kind}. */
        boolean in(Kind kind) {
            return profiles == 0 || (profiles & kind.bit) != 0;
        }

        /** "Any", "Domain, Public": as PowerShell prints the mask. */
        String profileText() {
            if (profiles == 0 || (profiles & 7) == 7) {
                return "Any";
            }
            StringBuilder out = new StringBuilder();
            for (Kind k : Kind.values()) {
                if ((profiles & k.bit) != 0) {
                    out.append(out.isEmpty() ? "" : ", ").append(k.title());
                }
            }
            return out.toString();
        }
    }

    /**
     * A rule's conditions, from its filter objects. Lists are the values as read ("Any" when
     * unrestricted). Windows gives every rule exactly one filter of each type; one that is absent,
     * or given twice for the same InstanceID, is named in {@code unread}, and the rule may then
     * match anything: it is never taken for decided.
     */
    record Conditions(String protocol, List<String> localPorts, List<String> remotePorts, List<String> localAddresses,
                      List<String> remoteAddresses, String program, String service, String appPackage,
                      List<String> interfaceAliases, String interfaceType, String authentication, String localUser,
                      String remoteUser, String remoteMachine, List<String> unread) {

        static final Conditions ANY = new Conditions("Any", List.of("Any"), List.of("Any"), List.of("Any"),
                List.of("Any"), "Any", "Any", "", List.of("Any"), "Any", "NotRequired", "", "", "", List.of());

        Conditions {
            unread = List.copyOf(unread);
            localPorts = List.copyOf(localPorts);
            remotePorts = List.copyOf(remotePorts);
            localAddresses = List.copyOf(localAddresses);
            remoteAddresses = List.copyOf(remoteAddresses);
            interfaceAliases = List.copyOf(interfaceAliases);
        }
    }
}
