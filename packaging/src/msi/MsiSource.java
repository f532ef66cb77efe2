import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the MSI's WiX source from port25-agent.wxs: the product version (Windows Installer's
 * is numeric, so 0.1.0-SNAPSHOT is 0.1.0), the files' paths, and the service's JVM options, each
 * line of packaging/service.jvmopts that is not a comment, after -Xrs (the JVM must not take the
 * console's logoff signal for its own) and -Dport25.service=procrun (the agent's service host),
 * then a larger heap ceiling ({@link #WINDOWS_HEAP_CEILING}), joined with [~], which wixl writes
 * as a REG_MULTI_SZ. Run by the build with the JDK's
 * single-file launcher: java MsiSource.java TEMPLATE OUT VERSION JVMOPTS NAME=PATH...
 */
public final class MsiSource {

    /** The Windows service's heap ceiling, after service.jvmopts' options. */
    static final String WINDOWS_HEAP_CEILING = "-Xmx256m";

    private MsiSource() {
    }

    public static void main(String[] args) throws IOException {
        String template = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        Matcher v = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)").matcher(args[2]);
        if (!v.find()) {
            throw new IllegalArgumentException("not a version Windows Installer can take: " + args[2]);
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("VERSION", v.group());
        List<String> options = new ArrayList<>(List.of("-Xrs", "-Dport25.service=procrun"));
        for (String line : Files.readAllLines(Path.of(args[3]), StandardCharsets.UTF_8)) {
            String o = line.strip();
            if (!o.isEmpty() && !o.startsWith("#")) {
                if (o.contains("[") || o.contains("]") || o.contains("\"")) {
                    throw new IllegalArgumentException("a JVM option the MSI cannot carry: " + o);
                }
                options.add(o);
            }
        }
        // last, so it wins over service.jvmopts' -Xmx32m: a read of the ActiveStore is one JSON
        // document, parsed whole (5000 rules need about 40 MiB for a moment, 20000 about 150);
        // a ceiling, not a reservation: the heap grows only for the read
        options.add(WINDOWS_HEAP_CEILING);
        values.put("JVM_OPTIONS", String.join("[~]", options));
        // wixl takes only paths relative to the source: each file is copied beside it, under files/
        Path target = Path.of(args[1]).toAbsolutePath();
        Path files = target.getParent().resolve("files");
        Files.createDirectories(files);
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            Path file = Path.of(args[i].substring(eq + 1));
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("not a file: " + file.toAbsolutePath());
            }
            String name = args[i].substring(0, eq).toLowerCase(Locale.ROOT) + "-" + file.getFileName();
            Files.copy(file, files.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            values.put(args[i].substring(0, eq), "files/" + name);
        }
        String out = template;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("@" + e.getKey() + "@", e.getValue().replace("&", "&amp;").replace("\"", "&quot;"));
        }
        Matcher left = Pattern.compile("@[A-Z_]+@").matcher(out);
        if (left.find()) {
            throw new IllegalArgumentException("no value for " + left.group());
        }
        Files.writeString(target, out, StandardCharsets.UTF_8);
    }
}
