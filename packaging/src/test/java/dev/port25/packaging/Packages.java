package dev.port25.packaging;

import dev.port25.agent.cli.Cli;
import dev.port25.firewall.exec.CommandResult;
import dev.port25.firewall.exec.CommandRunner;
import dev.port25.firewall.testing.Prerequisites;
import org.junit.jupiter.api.Assumptions;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;

/** The packages this module built (paths from failsafe's system properties) and what they must hold. */
final class Packages {

    private Packages() {
    }

    static Path deb() {
        return built("port25.deb");
    }

    static Path rpm() {
        return built("port25.rpm");
    }

    static Path msi() {
        return built("port25.msi");
    }

    static String version() {
        return System.getProperty("port25.version");
    }

    private static Path built(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException(property + " is not set (run through Maven: ./mvnw verify -pl packaging)");
        }
        Path p = Path.of(value);
        if (!Files.isRegularFile(p)) {
            String message = "no package at " + p + (property.equals("port25.rpm")
                    ? " (the rpm is built only where rpmbuild is: Debian's rpm package)"
                    : property.equals("port25.msi") ? " (the msi is built only where wixl is: Debian's wixl package)"
                    : "");
            if (Prerequisites.ci()) {
                throw new AssertionError("CI=true and " + message);
            }
            Assumptions.abort(message);
        }
        return p;
    }

    /**
     * The deb again under another version (unpacked and packed again with dpkg-deb, its files
     * unchanged), for upgrade tests.
     */
    static Path withVersion(Path deb, String version, Path work) throws Exception {
        CommandRunner runner = new CommandRunner();
        Path tree = work.resolve("tree");
        check(runner.run("dpkg-deb", "-R", deb.toString(), tree.toString()));
        Path control = tree.resolve("DEBIAN/control");
        String text = Files.readString(control);
        String replaced = text.replaceFirst("(?m)^Version: .*$", "Version: " + Matcher.quoteReplacement(version));
        if (replaced.equals(text)) {
            throw new IllegalStateException("no Version field in " + control);
        }
        Files.writeString(control, replaced);
        Path out = work.resolve("port25-agent_" + version + "_all.deb");
        check(runner.run("dpkg-deb", "--root-owner-group", "-b", tree.toString(), out.toString()));
        return out;
    }

    private static void check(CommandResult r) {
        if (!r.ok()) {
            throw new IllegalStateException(r.describe());
        }
    }

    /**
     * The man page names the CLI's picocli model calls for: port25-agent and one per subcommand,
     * nested ones too (port25-agent-config-check).
     */
    static Set<String> manPages() {
        Set<String> names = new LinkedHashSet<>();
        collect(new CommandLine(new Cli()), names);
        return names;
    }

    private static void collect(CommandLine command, Set<String> names) {
        names.add(command.getCommandSpec().qualifiedName("-"));
        for (CommandLine sub : command.getSubcommands().values()) {
            collect(sub, names);
        }
    }

    /** The long option names (--json) of a command given by its path below port25-agent. */
    static List<String> longOptions(String... path) {
        CommandLine command = new CommandLine(new Cli());
        for (String p : path) {
            command = command.getSubcommands().get(p);
        }
        List<String> options = new ArrayList<>();
        for (CommandLine.Model.OptionSpec o : command.getCommandSpec().options()) {
            if (!o.hidden()) {
                options.add(o.longestName());
            }
        }
        return options;
    }
}
