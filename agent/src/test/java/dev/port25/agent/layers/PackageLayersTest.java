package dev.port25.agent.layers;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers of both code modules, read from the sources (imports and qualified names in code;
 * comments and string literals do not count). A package may use only packages of lower layers;
 * two packages of one layer never use each other. A new dependency that breaks this, and any
 * cycle between packages, fails the build. {@link #LAYERS} is the rule list DESIGN.md shows.
 */
class PackageLayersTest {

    /** Bottom first. Packages are relative to {@code dev.port25}. */
    static final List<List<String>> LAYERS = List.of(
            List.of("firewall.exec", "firewall.net", "agent.finding", "agent.platform.linux"),
            List.of("firewall.eval", "agent.inventory"),
            List.of("firewall.spi", "agent.inventory.linux"),
            List.of("firewall.nftables", "firewall.iptables", "firewall.windows", "agent.platform", "agent.settings"),
            // the front-ends reuse the lower backend's part for published ports
            List.of("firewall.ufw", "firewall.firewalld", "firewall.host", "agent.smtp", "agent.dns"),
            List.of("agent.facts", "agent.firewall"),
            List.of("agent.policy"),
            List.of("agent.enforce", "agent.status"),
            List.of("agent.audit"),
            List.of("agent.report"),
            List.of("agent.daemon"),
            List.of("agent.cli"),
            List.of("agent"));

    /** Only these may start processes: everything else goes through {@code CommandRunner}. */
    static final Set<String> MAY_START_PROCESSES = Set.of("firewall.exec");

    static final List<Path> SOURCES = List.of(Path.of("src/main/java"), Path.of("../firewall-adapters/src/main/java"));

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+?)(?:\\.\\*)?\\s*;",
            Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])dev\\.port25\\.((?:[a-z]\\w*\\.)*)[A-Z]");
    private static final Pattern STARTS_PROCESS = Pattern.compile("\\bProcessBuilder\\b|\\bRuntime\\.getRuntime\\(\\)\\.exec\\b");

    static Map<String, Set<String>> uses;
    static Map<String, Set<String>> startsProcesses;

    @BeforeAll
    static void read() throws IOException {
        Map<String, String> code = new TreeMap<>();
        for (Path root : SOURCES) {
            assertThat(root).as("source folder (the test runs from agent/)").isDirectory();
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    code.put(f.toString(), Files.readString(f));
                }
            }
        }
        uses = uses(code);
        startsProcesses = new TreeMap<>();
        for (var e : code.entrySet()) {
            if (STARTS_PROCESS.matcher(strip(e.getValue())).find()) {
                startsProcesses.computeIfAbsent(packageOf(e.getKey(), strip(e.getValue())), k -> new TreeSet<>())
                        .add(Path.of(e.getKey()).getFileName().toString());
            }
        }
    }

    /** Package to the packages it uses, from the sources (file name to text). */
    static Map<String, Set<String>> uses(Map<String, String> sources) {
        Map<String, String> code = new TreeMap<>();
        sources.forEach((file, text) -> code.put(file, strip(text)));
        Set<String> known = new TreeSet<>();
        Map<String, String> packageOf = new TreeMap<>();
        code.forEach((file, text) -> {
            String p = packageOf(file, text);
            packageOf.put(file, p);
            known.add(p);
        });
        Map<String, Set<String>> out = new TreeMap<>();
        for (var e : code.entrySet()) {
            String from = packageOf.get(e.getKey());
            Set<String> to = out.computeIfAbsent(from, k -> new TreeSet<>());
            Matcher imports = IMPORT.matcher(e.getValue());
            while (imports.find()) {
                String name = imports.group(1);
                if (name.startsWith("dev.port25.")) {
                    // a wildcard names a package (or, static, a type): the longest known package prefix either way
                    to.add(owningPackage(relative(name) + ".", known));
                }
            }
            Matcher q = QUALIFIED.matcher(e.getValue().replaceAll("(?m)^(import|package)\\s.*$", ""));
            while (q.find()) {
                to.add(q.group(1).isEmpty() ? "" : q.group(1).substring(0, q.group(1).length() - 1));
            }
            to.remove(from);
        }
        return out;
    }

    private static String packageOf(String file, String code) {
        Matcher m = PACKAGE.matcher(code);
        assertThat(m.find()).as("package line in " + file).isTrue();
        return relative(m.group(1));
    }

    /** The scan sees every form a dependency can take, and a break of the layers. */
    @Test
    void theScanSeesImportsWildcardsStaticImportsAndQualifiedNames() {
        Map<String, String> sample = new TreeMap<>(Map.of(
                "A.java", "package dev.port25.a;\nimport dev.port25.b.B;\nclass A {}",
                "B.java", "package dev.port25.b;\nimport dev.port25.c.*;\nclass B {}",
                "C.java", "package dev.port25.c;\nimport static dev.port25.d.D.value;\nclass C {}",
                "D.java", "package dev.port25.d;\nimport static dev.port25.e.E.*;\nclass D {}",
                "E.java", "package dev.port25.e;\nclass E { dev.port25.f.F f; }",
                "F.java", "package dev.port25.f;\nclass F { String s = \"dev.port25.a.A\"; } // dev.port25.a.A",
                "G.java", "package dev.port25.g;\nimport dev.port25.b.B.Inner;\nclass G {}"));
        Map<String, Set<String>> g = uses(sample);
        assertThat(g).containsEntry("a", Set.of("b")).containsEntry("b", Set.of("c")).containsEntry("c", Set.of("d"))
                .containsEntry("d", Set.of("e")).containsEntry("e", Set.of("f")).containsEntry("f", Set.of())
                .containsEntry("g", Set.of("b"));
    }

    /** The real tree's scan is not empty: a regex that stopped matching would pass every other test. */
    @Test
    void theScanOfTheTreeSeesKnownDependencies() {
        assertThat(uses.get("agent.cli")).contains("agent.daemon", "agent.status", "firewall.spi");
        assertThat(uses.get("firewall.nftables")).contains("firewall.spi", "firewall.eval", "firewall.exec");
    }

    @Test
    void everyPackageHasItsLayer() {
        Set<String> layered = new TreeSet<>();
        LAYERS.forEach(layered::addAll);
        assertThat(uses.keySet()).as("packages in the sources; add a new one to LAYERS").isEqualTo(layered);
    }

    @Test
    void packagesUseOnlyLowerLayers() {
        Map<String, Integer> layer = new TreeMap<>();
        for (int i = 0; i < LAYERS.size(); i++) {
            for (String p : LAYERS.get(i)) {
                layer.put(p, i);
            }
        }
        List<String> broken = new ArrayList<>();
        uses.forEach((from, targets) -> targets.forEach(to -> {
            Integer a = layer.get(from);
            Integer b = layer.get(to);
            if (a == null || b == null || b >= a) {
                broken.add(from + " (layer " + a + ") uses " + to + " (layer " + b + ")");
            }
        }));
        assertThat(broken).as("dependencies against the layers (bottom first): " + LAYERS).isEmpty();
    }

    @Test
    void noCycleBetweenPackages() {
        assertThat(cycles(uses)).isEmpty();
    }

    @Test
    void onlyTheCommandRunnerStartsProcesses() {
        Map<String, Set<String>> elsewhere = new TreeMap<>(startsProcesses);
        elsewhere.keySet().removeAll(MAY_START_PROCESSES);
        assertThat(elsewhere).as("processes started outside " + MAY_START_PROCESSES).isEmpty();
        assertThat(startsProcesses).as("the scan sees CommandRunner's ProcessBuilder").containsKey("firewall.exec");
    }

    /** The cycle search itself, on a made-up graph; and what the scan strips. */
    @Test
    void theScanFindsACycle() {
        Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(cycles(g)).containsExactly(List.of("a", "b", "c"));
        assertThat(strip("// import dev.port25.x.Y;\nString s = \"dev.port25.agent.cli.Cli\"; /* dev.port25.z.W */ char c = '\"';"))
                .doesNotContain("dev.port25");
    }

    /** Strongly connected components of more than one package (Tarjan), each sorted. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new TreeMap<>();
        Map<String, Integer> low = new TreeMap<>();
        List<String> stack = new ArrayList<>();
        List<List<String>> out = new ArrayList<>();
        for (String v : new TreeSet<>(graph.keySet())) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, out);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
                                Map<String, Integer> low, List<String> stack, List<List<String>> out) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (stack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.remove(stack.size() - 1);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                out.add(component);
            }
        }
    }

    private static String relative(String name) {
        return name.equals("dev.port25") ? "" : name.substring("dev.port25.".length());
    }

    /** "agent.settings.Settings.Mode." → "agent.settings": the longest known package that prefixes it. */
    private static String owningPackage(String name, Set<String> known) {
        String best = "";
        for (String p : known) {
            if (name.startsWith(p + ".") && p.length() > best.length()) {
                best = p;
            }
        }
        return best;
    }

    /** The code without comments, string and char literals (text blocks too). */
    static String strip(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("\"\"\"", i)) {
                int j = s.indexOf("\"\"\"", i + 3);
                i = j < 0 ? s.length() : j + 3;
                out.append("\"\"");
            } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
                char quote = s.charAt(i);
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != quote) {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                out.append(quote).append(quote);
            } else if (s.startsWith("//", i)) {
                int j = s.indexOf('\n', i);
                i = j < 0 ? s.length() : j;
            } else if (s.startsWith("/*", i)) {
                int j = s.indexOf("*/", i + 2);
                i = j < 0 ? s.length() : j + 2;
                out.append(' ');
            } else {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }
}
