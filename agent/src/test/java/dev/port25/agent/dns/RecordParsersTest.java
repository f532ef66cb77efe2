package dev.port25.agent.dns;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** SPF, tag-list and MTA-STS policy parsing, by the RFCs' rules. */
class RecordParsersTest {

    @Test
    void spfRecordsAreThoseStartingWithTheVersionThenASpaceOrTheEnd() {
        assertThat(Spf.select(List.of("v=spf1 -all", "V=SPF1 mx", "v=spf1", "v=spf10 -all", "v=spf1x", "verify=1",
                " v=spf1 -all"))).containsExactly("v=spf1 -all", "V=SPF1 mx", "v=spf1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "v=spf1 mx -all|-",
            "v=spf1 mx ~all|~",
            "v=spf1 ?all|?",
            "v=spf1 +all|+",
            "v=spf1 ALL|+",
            "v=spf1 a mx include:_spf.example.net   -ALL|-",
            "v=spf1 -all +all|-",
            "v=spf1 mx|",
            "v=spf1 redirect=_spf.example.net|",
            "v=spf1 exists:all.example.net|"})
    void allQualifier(String record, String qualifier) {
        assertThat(Spf.all(record)).isEqualTo(qualifier == null ? Optional.empty() : Optional.of(qualifier.charAt(0)));
    }

    @Test
    void redirectTarget() {
        assertThat(Spf.redirect("v=spf1 redirect=_spf.example.net")).hasValue("_spf.example.net");
        assertThat(Spf.redirect("v=spf1 REDIRECT=%{d}.spf.example.net")).hasValue("%{d}.spf.example.net");
        assertThat(Spf.redirect("v=spf1 mx -all")).isEmpty();
    }

    @Test
    void tagListsKeepOrderAndFirstValueAndNeedTheVersionFirst() {
        assertThat(TagList.parse("v=DMARC1; p=reject ;rua=mailto:a@example.org; p=none;", "DMARC1"))
                .map(TagList::tags).hasValue(Map.of("v", "DMARC1", "p", "reject", "rua", "mailto:a@example.org"));
        assertThat(TagList.parse("p=reject; v=DMARC1", "DMARC1")).isEmpty();
        assertThat(TagList.parse("v=dmarc1; p=reject", "DMARC1")).as("the version is compared exactly").isEmpty();
        assertThat(TagList.parse("", "DMARC1")).isEmpty();
        assertThat(TagList.versioned(List.of("v=STSv1; id=1", "v=spf1 -all", "v=STSv1;id=2"), "STSv1"))
                .extracting(t -> t.get("id").orElseThrow()).containsExactly("1", "2");
        assertThat(TagList.validStsId("20261128T1200")).isTrue();
        assertThat(TagList.validStsId("")).isFalse();
        assertThat(TagList.validStsId("a-b")).isFalse();
        assertThat(TagList.validStsId("x".repeat(33))).isFalse();
    }

    @Test
    void aPolicyNeedsVersionModeMaxAgeAndMxUnlessModeNone() {
        MtaStsPolicy.Parsed ok = MtaStsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: MX1.Example.org\r\n"
                + "mx: *.mx.example.org\r\nmax_age: 604800\r\nextension: ignored\r\n");
        assertThat(ok.errors()).isEmpty();
        assertThat(ok.policy()).hasValue(new MtaStsPolicy(MtaStsPolicy.Mode.ENFORCE,
                List.of("mx1.example.org", "*.mx.example.org"), 604800));
        assertThat(MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 0\n").policy()).isPresent();
        assertThat(MtaStsPolicy.parse("version: STSv2\nmode: sometimes\nmax_age: 31557601\nnonsense\n").errors())
                .containsExactly("line 'nonsense' is not 'key: value'", "version 'STSv2' is not STSv1",
                        "mode 'sometimes' is not enforce, testing or none", "max_age '31557601' is not 0-31557600",
                        "no mx");
        assertThat(MtaStsPolicy.parse("<html>moved</html>").errors()).contains("no version", "no mode", "no max_age");
    }

    @ParameterizedTest
    @CsvSource({
            "mx.example.org, mx.example.org, true",
            "mx.example.org, MX.example.org., true",
            "*.example.org, mx.example.org, true",
            "*.example.org, a.mx.example.org, false",
            "*.example.org, example.org, false",
            "mx.example.org, mx.example.net, false",
            "*.example.org, .example.org, false"})
    void mxPatternsMatchExactlyOrOneLeftmostLabel(String pattern, String host, boolean matches) {
        assertThat(MtaStsPolicy.matches(pattern, host)).isEqualTo(matches);
    }
}
