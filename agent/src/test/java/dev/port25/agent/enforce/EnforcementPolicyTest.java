package dev.port25.agent.enforce;

import dev.port25.agent.settings.Role;
import dev.port25.agent.settings.Settings;
import dev.port25.agent.settings.SettingsLoader;
import dev.port25.agent.testing.TempDirs;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.spi.Desired;
import dev.port25.firewall.spi.Inbound;
import dev.port25.firewall.spi.Outbound;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What each role makes the firewall do, what enforcement refuses, and the journal on disk. */
class EnforcementPolicyTest {

    static Settings settings(String yaml) throws Exception {
        return SettingsLoader.parse(yaml, "test.yml");
    }

    @Test
    void eachRoleGetsItsDesiredState() throws Exception {
        Settings s = settings("""
                ports: [25, 587]
                roles:
                  relay:
                    allowFrom: [198.18.0.0/15, "fd00::/8"]
                  none:
                    blockEgress: true
                    egressRelays: [198.18.7.25]
                """);
        Desired none = EnforcementPolicy.desired(s, Role.NONE);
        assertThat(none.tcpInbound()).containsOnly(Map.entry(25, new Inbound.Closed()), Map.entry(587, new Inbound.Closed()));
        assertThat(none.tcpOutbound()).containsEntry(25, new Outbound.BlockedExcept(List.of(Cidr.parse("198.18.7.25"))));
        Desired relay = EnforcementPolicy.desired(s, Role.RELAY);
        assertThat(relay.tcpInbound().get(25)).isEqualTo(new Inbound.AllowFrom(List.of(Cidr.parse("198.18.0.0/15"),
                Cidr.parse("fd00::/8"))));
        assertThat(relay.tcpOutbound()).isEmpty();
        Desired mx = EnforcementPolicy.desired(s, Role.MAIL_SERVER);
        assertThat(mx.tcpInbound().values()).containsOnly(new Inbound.Open());
        assertThat(EnforcementPolicy.desired(settings(""), Role.RELAY).tcpInbound().get(25))
                .as("a relay without networks relays for no one").isEqualTo(new Inbound.Closed());
        assertThat(EnforcementPolicy.describe(none)).isEqualTo(
                "25 inbound CLOSED, outbound BLOCKED_EXCEPT [198.18.7.25/32]; 587 inbound CLOSED, outbound BLOCKED_EXCEPT "
                        + "[198.18.7.25/32]");
    }

    @Test
    void aPortOutsideSmtpIsNeverManaged() throws Exception {
        for (Role role : Role.values()) {
            assertThatThrownBy(() -> EnforcementPolicy.desired(settings("ports: [25, 22]\n"), role))
                    .isInstanceOf(EnforcementPolicy.Refused.class)
                    .hasMessage("ports: 22 is not an SMTP port; enforcement only ever touches 25, 465 and 587, so that "
                            + "a settings mistake cannot lock a host out");
        }
    }

    @Test
    void theJournalSurvivesARoundTripAndADamagedOneIsAnError() throws Exception {
        Path dir = Files.createTempDirectory("p25-journal");
        try {
            Path state = dir.resolve("state");
            assertThat(Journal.read(state)).isEmpty();
            Desired d = new Desired(Map.of(25, new Inbound.AllowFrom(List.of(Cidr.parse("fd00::/8"))),
                    587, new Inbound.Closed()), Map.of(25, new Outbound.BlockedExcept(List.of(Cidr.parse("198.18.7.25")))));
            Journal j = new Journal("nftables", d, true, Instant.parse("2026-11-28T09:00:00Z"));
            j.write(state);
            assertThat(Journal.read(state)).contains(j);
            assertThat(Files.readString(state.resolve(Journal.FILE))).contains("\"schema\" : \"port25-agent/enforcement/v1\"");
            assertThat(state.resolve(Journal.FILE + ".tmp")).doesNotExist();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state)))
                    .as("the state directory is the agent's alone").isEqualTo("rwx------");
            Files.writeString(state.resolve(Journal.FILE), "{\"schema\": \"port25-agent/enforcement/v1\", \"backend\": "
                    + "\"nftables\", \"inbound\": {\"25\": {\"state\": \"SHUT\"}}, \"at\": \"2026-11-28T09:00:00Z\"}");
            assertThatThrownBy(() -> Journal.read(state)).hasMessageContaining("a damaged enforcement journal")
                    .hasMessageContaining("unknown inbound state");
            Files.writeString(state.resolve(Journal.FILE), "not json");
            assertThatThrownBy(() -> Journal.read(state)).hasMessageContaining("not a readable enforcement journal");
            Journal.clear(state);
            assertThat(Journal.read(state)).isEmpty();
        } finally {
            TempDirs.deleteTree(dir);
        }
    }
}
