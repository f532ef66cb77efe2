package dev.port25.packaging;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.exec.CommandException;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Prerequisites;
import dev.port25.firewall.testing.Trees;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the built deb and rpm hold, read with the package tools themselves (dpkg-deb, rpm), and what
 * lintian and rpmlint say of them; the completion scripts run in bash and zsh.
 */
@Tag("install")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PackageContentsIT {

    private static final CommandRunner RUNNER = new CommandRunner();
    private static final String CONFIG = "../config/src/main/resources/dev/port25/config/agent.yml";

    private Path work;

    @BeforeAll
    void tools() throws Exception {
        Prerequisites.require("dpkg-deb", "rpm", "lintian", "rpmlint", "bash", "zsh", "sh");
        work = Files.createTempDirectory("p25-pkg-");
    }

    @AfterAll
    void clean() throws Exception {
        if (work != null) {
            Trees.delete(work);
        }
    }

    /** The files both packages install (directories aside), by path, with their mode. */
    private static Map<String, String> expectedFiles(String unitDir, String zshDir, String docDir) {
        Map<String, String> files = new TreeMap<>();
        files.put("/usr/share/port25-agent/port25-agent.jar", "-rw-r--r--");
        files.put("/usr/share/port25-agent/service.jvmopts", "-rw-r--r--");
        files.put("/usr/share/port25-agent/java-env.sh", "-rw-r--r--");
        files.put("/usr/share/port25-agent/make-cds-archive", "-rwxr-xr-x");
        files.put("/usr/bin/port25-agent", "-rwxr-xr-x");
        files.put("/etc/port25-agent/agent.yml", "-rw-r--r--");
        files.put(unitDir + "/port25-agent.service", "-rw-r--r--");
        files.put("/usr/lib/tmpfiles.d/port25-agent.conf", "-rw-r--r--");
        files.put("/usr/share/bash-completion/completions/port25-agent", "-rw-r--r--");
        files.put(zshDir + "/_port25-agent", "-rw-r--r--");
        files.put(docDir + "/copyright", "-rw-r--r--");
        for (String page : Packages.manPages()) {
            files.put("/usr/share/man/man1/" + page + ".1.gz", "-rw-r--r--");
        }
        return files;
    }

    @Test
    void theDebHoldsTheFilesConffileDependenciesAndScripts() throws Exception {
        Path deb = Packages.deb();
        Map<String, String> files = new TreeMap<>();
        for (String line : ok("dpkg-deb", "-c", deb.toString()).stdoutLines()) {
            String[] f = line.trim().split("\\s+");
            if (!f[0].startsWith("d")) {
                files.put(f[f.length - 1].substring(1), f[0]);
            }
            assertThat(f[1]).as(line).isEqualTo("root/root");
        }
        Map<String, String> expected = expectedFiles("/lib/systemd/system", "/usr/share/zsh/vendor-completions",
                "/usr/share/doc/port25-agent");
        expected.put("/usr/share/doc/port25-agent/changelog.gz", "-rw-r--r--");
        assertThat(files).isEqualTo(expected);

        Path control = work.resolve("deb-control");
        ok("dpkg-deb", "-e", deb.toString(), control.toString());
        assertThat(Files.readString(control.resolve("conffiles"))).isEqualTo("/etc/port25-agent/agent.yml\n");
        assertThat(field(deb, "Version")).isEqualTo(Packages.version());
        assertThat(field(deb, "Architecture")).isEqualTo("all");
        assertThat(field(deb, "Depends")).contains("default-jre-headless (>= 2:1.17) | java17-runtime-headless");
        assertThat(field(deb, "Recommends")).contains("nftables | iptables");
        assertThat(Files.readString(control.resolve("triggers"))).contains("interest-noawait /usr/lib/jvm");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertThat(Files.isExecutable(control.resolve(script))).as(script).isTrue();
            ok("sh", "-n", control.resolve(script).toString());
        }
        assertThat(Files.readString(control.resolve("postinst"))).contains("configure|abort-upgrade|abort-deconfigure|abort-remove)",
                "make-cds-archive", "deb-systemd-invoke start",
                "deb-systemd-invoke restart");
        assertThat(Files.readString(control.resolve("prerm"))).contains("deb-systemd-invoke stop", "port25-agent undo");
        assertThat(Files.readString(control.resolve("postrm"))).contains("purge)",
                "rm -rf /etc/port25-agent /var/lib/port25-agent /var/cache/port25-agent");

        Path data = work.resolve("deb-data");
        ok("dpkg-deb", "-x", deb.toString(), data.toString());
        assertThat(Files.readString(data.resolve("etc/port25-agent/agent.yml"))).isEqualTo(Files.readString(Path.of(CONFIG)));
        assertThat(data.resolve("usr/share/port25-agent/service.jvmopts")).hasSameTextualContentAs(Path.of("service.jvmopts"));
    }

    @Test
    void theRpmHoldsTheFilesConfigDependenciesAndScriptlets() throws Exception {
        Path rpm = Packages.rpm();
        Map<String, String> files = new TreeMap<>();
        Map<String, String> flags = new TreeMap<>();
        for (String line : ok("rpm", "-qp", "--qf", "[%{FILEMODES:perms} %{FILEFLAGS:fflags} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES}\\n]",
                rpm.toString()).stdoutLines()) {
            String[] f = line.split(" ", 4);
            assertThat(f[2]).as(line).isEqualTo("root:root");
            if (!f[0].startsWith("d")) {
                files.put(f[3], f[0]);
                flags.put(f[3], f[1]);
            }
        }
        Map<String, String> expected = expectedFiles("/usr/lib/systemd/system", "/usr/share/zsh/site-functions",
                "/usr/share/licenses/port25-agent");
        expected.put("/usr/lib/systemd/system-preset/90-port25-agent.preset", "-rw-r--r--");
        assertThat(files).isEqualTo(expected);
        assertThat(flags.get("/etc/port25-agent/agent.yml")).as("%config(noreplace)").isEqualTo("cn");
        assertThat(flags.get("/usr/share/man/man1/port25-agent.1.gz")).isEqualTo("d");

        assertThat(ok("rpm", "-qp", "--qf", "%{VERSION}-%{RELEASE} %{ARCH}", rpm.toString()).stdout())
                .isEqualTo(Packages.version() + "-1 noarch");
        assertThat(ok("rpm", "-qp", "--requires", rpm.toString()).stdout())
                .contains("(java-17-openjdk-headless or java-21-openjdk-headless or java-25-openjdk-headless or java-latest-openjdk-headless)");
        assertThat(ok("rpm", "-qp", "--recommends", rpm.toString()).stdoutLines()).containsExactly("(nftables or iptables)");
        assertThat(ok("rpm", "-qp", "--suggests", rpm.toString()).stdoutLines()).containsExactlyInAnyOrder("ufw", "firewalld");
        String scripts = ok("rpm", "-qp", "--scripts", rpm.toString()).stdout();
        assertThat(scripts).contains("postinstall scriptlet", "make-cds-archive", "systemctl --no-reload preset port25-agent.service",
                "preuninstall scriptlet", "port25-agent undo", "postuninstall scriptlet", "systemctl try-restart port25-agent.service");
        assertThat(ok("rpm", "-qp", "--triggers", rpm.toString()).stdout()).contains("triggerin", "java-17-openjdk-headless");
        assertThat(ok("rpm", "-qp", "--changelog", rpm.toString()).stdout()).contains(Packages.version() + "-1");
    }

    @Test
    void lintianFindsNoErrorAndNoWarning() throws Exception {
        CommandResult r = RUNNER.run(new Command(List.of("lintian", "--fail-on", "error,warning", Packages.deb().toString()),
                Duration.ofMinutes(5), Map.of(), new byte[0]));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdoutLines()).as(r.stdout()).noneMatch(l -> l.startsWith("E:") || l.startsWith("W:"));
    }

    @Test
    void rpmlintFindsNoError() throws Exception {
        // src/test/resources/rpmlint.toml: one filtered check, with its reason
        CommandResult r = RUNNER.run(new Command(List.of("rpmlint", "-c", "src/test/resources/rpmlint.toml",
                Packages.rpm().toString()), Duration.ofMinutes(5), Map.of(), new byte[0]));
        assertThat(r.stdout()).as(r.describe()).contains(" 0 errors");
        assertThat(r.stdoutLines()).as(r.stdout()).noneMatch(l -> l.contains(": E: "));
    }

    @Test
    void theManPagesShowEveryOptionOfTheirCommand() throws Exception {
        Path data = work.resolve("man-data");
        ok("dpkg-deb", "-x", Packages.deb().toString(), data.toString());
        for (String[] path : new String[][] {{}, {"status"}, {"enforce"}, {"run"}, {"config", "check"}}) {
            String page = "port25-agent" + Arrays.stream(path).map(p -> "-" + p).collect(Collectors.joining());
            String troff = ok("gzip", "-dc", data.resolve("usr/share/man/man1/" + page + ".1.gz").toString()).stdout()
                    .replace("\\-", "-");
            assertThat(troff).as(page).contains(".TH \"" + page.toUpperCase(Locale.ROOT) + "\" \"1\"");
            for (String option : Packages.longOptions(path)) {
                assertThat(troff).as(page + " documents " + option).contains(option);
            }
        }
    }

    @Test
    void bashAndZshCompleteSubcommandsAndOptions() throws Exception {
        Path data = work.resolve("completion-data");
        ok("dpkg-deb", "-x", Packages.deb().toString(), data.toString());
        String script = data.resolve("usr/share/bash-completion/completions/port25-agent").toString();
        String ask = "source " + script + "; COMP_WORDS=(%s); COMP_CWORD=%d; COMPREPLY=(); _complete_port25-agent; "
                + "printf '%%s\\n' \"${COMPREPLY[@]}\"";
        assertThat(ok("bash", "-c", String.format(ask, "port25-agent sta", 1)).stdoutLines()).containsExactly("status");
        assertThat(ok("bash", "-c", String.format(ask, "port25-agent status --j", 2)).stdoutLines()).containsExactly("--json");
        Set<String> all = new TreeSet<>(ok("bash", "-c", String.format(ask, "port25-agent ''", 1)).stdoutLines());
        assertThat(all).contains("status", "audit", "enforce", "undo", "run", "config", "version");

        // zsh runs the same script through bashcompinit (_port25-agent), whose _bash_complete
        // calls it with zero-based arrays and lets zsh match the candidates against the word typed
        Path zshFile = data.resolve("usr/share/zsh/vendor-completions/_port25-agent");
        ok("zsh", "-n", zshFile.toString());
        assertThat(Files.readString(zshFile)).startsWith("#compdef port25-agent\n")
                .contains("source /usr/share/bash-completion/completions/port25-agent");
        String zsh = "autoload -U +X compinit && compinit -u; autoload -U +X bashcompinit && bashcompinit; source " + script
                + "; setopt ksharrays; COMP_WORDS=(%s); COMP_CWORD=%d; COMPREPLY=(); _complete_port25-agent; "
                + "print -l -- \"${COMPREPLY[@]}\"";
        assertThat(ok("zsh", "-f", "-c", String.format(zsh, "port25-agent sta", 1)).stdoutLines())
                .containsExactlyInAnyOrderElementsOf(all);
        assertThat(ok("zsh", "-f", "-c", String.format(zsh, "port25-agent status --j", 2)).stdoutLines())
                .contains("--json", "--port", "--config").doesNotContain("audit", "--force");
    }

    private static String field(Path deb, String name) throws CommandException {
        return ok("dpkg-deb", "-f", deb.toString(), name).stdout().strip();
    }

    private static CommandResult ok(String... argv) throws CommandException {
        CommandResult r = RUNNER.run(new Command(List.of(argv), Duration.ofMinutes(2), Map.of(), new byte[0]));
        if (!r.ok()) {
            throw new IllegalStateException(r.describe());
        }
        return r;
    }
}
