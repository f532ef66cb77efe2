package dev.port25.firewall.windows;

import dev.port25.firewall.eval.Exposure;
import dev.port25.firewall.net.Cidr;
import dev.port25.firewall.net.IpFamily;
import dev.port25.firewall.testing.Fixtures;
import dev.port25.firewall.windows.WindowsPolicy.Act;
import dev.port25.firewall.windows.WindowsPolicy.FwRule;
import dev.port25.firewall.windows.WindowsPolicy.GpoBool;
import dev.port25.firewall.windows.WindowsPolicy.Kind;
import dev.port25.firewall.windows.WindowsPolicy.Profile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The read script's JSON, in the shapes Windows PowerShell 5.1 gives, over files written by hand
 * (no Windows here; see src/test/resources/windows/README.md).
 */
class PolicyJsonHandWrittenTest {

    @Test
    void everyShapeOf51IsTakenBareObjectsEmptyStringsTheValueCountWrapperAndEnumsByName() {
        PolicyJson.Read read = PolicyJson.parse(Fixtures.text("/windows/ps51-shapes/state.handwritten.json"));
        WindowsPolicy p = read.policy();
        assertThat(read.unread()).isEmpty(); // "errors": ""
        assertThat(p.profiles()).containsExactly(
                new Profile(Kind.DOMAIN, GpoBool.TRUE, Act.BLOCK, Act.ALLOW, GpoBool.NOT_CONFIGURED,
                        GpoBool.NOT_CONFIGURED, List.of()),
                new Profile(Kind.PRIVATE, GpoBool.TRUE, Act.BLOCK, Act.ALLOW, GpoBool.TRUE, GpoBool.TRUE, List.of()),
                new Profile(Kind.PUBLIC, GpoBool.TRUE, Act.BLOCK, Act.ALLOW, GpoBool.TRUE, GpoBool.TRUE,
                        List.of("vEthernet (Default Switch)")));
        assertThat(p.rules()).hasSize(1);
        FwRule r = p.rules().get(0);
        assertThat(r.displayName()).isEqualTo("Mail submission");
        assertThat(r.group()).isEmpty(); // null
        assertThat(r.enabled()).isTrue();
        assertThat(r.inbound()).isTrue();
        assertThat(r.action()).isEqualTo(Act.ALLOW);
        assertThat(r.profiles()).isEqualTo(Kind.PRIVATE.bit | Kind.PUBLIC.bit);
        assertThat(r.profileText()).isEqualTo("Private, Public");
        assertThat(r.source()).isEqualTo(WindowsPolicy.Source.LOCAL);
        assertThat(r.enforcement()).containsExactly("Enforced");
        assertThat(r.when().protocol()).isEqualTo("6");
        assertThat(r.when().localPorts()).containsExactly("25", "587");
        assertThat(r.when().remotePorts()).containsExactly("Any");
        assertThat(r.when().remoteAddresses()).containsExactly("198.18.0.0/255.254.0.0", "fd00::/8", "LocalSubnet4");
        // filters not given ("" collections) read as Any
        assertThat(r.when().program()).isEqualTo("Any");
        assertThat(r.when().interfaceAliases()).containsExactly("Any");
        assertThat(p.connections()).containsExactly(new WindowsPolicy.Connection("Wi-Fi", Kind.PRIVATE));
    }

    @Test
    void theShapesAreJudgedAsTheirPlainFormsWouldBe() {
        WindowsState s = WindowsRecordedStates.state("ps51-shapes");
        // Wi-Fi is Private; the rule allows 198.18.0.0/15 and fd00::/8 by address, LocalSubnet4 only by keyword
        assertThat(s.packetFilter().exposure(IpFamily.IPV6, 587).allowedFrom())
                .containsExactly(Cidr.parse("fd00::/8"));
        assertThat(s.packetFilter().exposure(IpFamily.IPV4, 25).level())
                .isEqualTo(Exposure.Level.UNKNOWN);
    }

    @Test
    void whatIsNotTheScriptsOutputIsRefusedWithWhy() {
        assertThatThrownBy(() -> PolicyJson.parse("Get-NetFirewallRule : Access is denied.")).hasMessageStartingWith(
                "not JSON");
        assertThatThrownBy(() -> PolicyJson.parse("{\"rules\": []}")).hasMessageContaining("no 'profiles'");
        assertThatThrownBy(() -> PolicyJson.parse("{\"profiles\": [{\"name\": \"Work\", \"enabled\": 1}], "
                + "\"rules\": []}")).hasMessageContaining("'Work' is not Domain, Private or Public");
        assertThatThrownBy(() -> PolicyJson.parse("{\"profiles\": [{\"name\": \"Public\", \"enabled\": 7}], "
                + "\"rules\": []}")).hasMessageContaining("GpoBoolean 7");
    }

    @Test
    void everyConformanceCaseParses() {
        for (String c : List.of("port25-open", "port25-closed", "foreign-rule", "drifted")) {
            WindowsPolicy p = PolicyJson.parse(Fixtures.text("/windows/" + c + "/state.handwritten.json")).policy();
            assertThat(p.profiles()).as(c).hasSize(3);
            assertThat(p.rules()).as(c).isNotEmpty().allMatch(r -> !r.name().isEmpty());
        }
    }
}
