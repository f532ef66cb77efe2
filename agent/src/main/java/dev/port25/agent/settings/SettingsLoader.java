package dev.port25.agent.settings;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.port25.firewall.net.Cidr;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@link Settings} from YAML, strictly: an unknown key, a value of the wrong type (no
 * "25" for 25, no "yes" for true), an explicit null, a key given twice, a bad CIDR, pattern or
 * URL each stop the load with a {@link SettingsException} that names the file, the line and the
 * key. An empty file (or one of comments only) is the defaults.
 */
public final class SettingsLoader {

    /** Where the settings are when {@code --config} does not say (on Windows under %ProgramData%). */
    public static final Path DEFAULT_PATH = AgentPaths.current().settingsFile();

    /** A settings file larger than this is refused unread. */
    static final long MAX_BYTES = 1024 * 1024;

    /** Built on first use: a host without a settings file never loads Jackson's YAML (cold start of status). */
    private static final class Yaml {
        static final ObjectMapper MAPPER = mapper();
    }

    /** Settings and where they came from. */
    public record Loaded(Settings settings, Optional<Path> file) {
        /** "/etc/port25-agent/agent.yml", or "built-in defaults (no /etc/port25-agent/agent.yml)". */
        public String source() {
            return file.map(Path::toString).orElse("built-in defaults (no " + DEFAULT_PATH + ")");
        }
    }

    private SettingsLoader() {
    }

    /**
     * The settings in {@code explicit} (which must exist), else in {@link #DEFAULT_PATH} if there
     * is one, else the defaults.
     */
    public static Loaded load(Optional<Path> explicit) throws SettingsException {
        if (explicit.isPresent()) {
            return new Loaded(read(explicit.get()), explicit);
        }
        if (!Files.exists(DEFAULT_PATH)) {
            return new Loaded(Settings.defaults(), Optional.empty());
        }
        return new Loaded(read(DEFAULT_PATH), Optional.of(DEFAULT_PATH));
    }

    /** Reads and checks one settings file. */
    public static Settings read(Path file) throws SettingsException {
        String name = file.toString();
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new SettingsException(name, Optional.empty(), Optional.empty(), "", "is a directory, not a file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new SettingsException(name, Optional.empty(), Optional.empty(), "",
                        "is larger than " + MAX_BYTES + " bytes; a settings file is a few kilobytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new SettingsException(name, Optional.empty(), Optional.empty(), "", "no such file");
        } catch (IOException e) {
            throw new SettingsException(name, Optional.empty(), Optional.empty(), "", "cannot be read: " + e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SettingsException(name, Optional.empty(), Optional.empty(), "", "is not UTF-8 text");
        }
        return parse(text, name);
    }

    /** Parses settings text; {@code fileName} is only used in errors. */
    public static Settings parse(String text, String fileName) throws SettingsException {
        try {
            if (!hasContent(text, fileName)) {
                return Settings.defaults();
            }
            return Yaml.MAPPER.readValue(text, Settings.class);
        } catch (JsonProcessingException e) {
            throw translate(e, text, fileName);
        } catch (IOException e) { // reading a String: only parse errors, which are JsonProcessingExceptions
            throw new SettingsException(fileName, Optional.empty(), Optional.empty(), "", "cannot be read: " + e);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(fileName, Optional.empty(), Optional.empty(), "", e.getMessage());
        }
    }

    /**
     * Walks the tokens once: false for a file without any (empty, comments only); an explicit
     * null ({@code key:} with nothing after it) is an error here, since binding cannot tell it
     * from a key left out.
     */
    private static boolean hasContent(String text, String fileName) throws IOException, SettingsException {
        boolean any = false;
        try (JsonParser p = Yaml.MAPPER.getFactory().createParser(text)) {
            for (JsonToken t; (t = p.nextToken()) != null; ) {
                any = true;
                if (t == JsonToken.VALUE_NULL) {
                    List<String> path = pointerPath(p.getParsingContext().pathAsPointer());
                    JsonLocation at = locate(text, path).map(Found::at).orElse(p.currentTokenLocation());
                    throw new SettingsException(fileName, Optional.of(at.getLineNr()), Optional.of(at.getColumnNr()),
                            dotted(path), "has no value; give one, or leave the key out for its default");
                }
            }
        }
        return any;
    }

    private static ObjectMapper mapper() {
        SimpleModule cidr = new SimpleModule("port25-settings");
        cidr.addDeserializer(Cidr.class, new StdDeserializer<>(Cidr.class) {
            @Override
            public Cidr deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    return (Cidr) ctxt.handleUnexpectedToken(Cidr.class, p);
                }
                String text = p.getText();
                try {
                    return Cidr.parse(text);
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(p, "'" + text + "' is not an address or network (CIDR): "
                            + e.getMessage(), text, Cidr.class);
                }
            }
        });
        ObjectMapper m = YAMLMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .addModule(cidr)
                .build();
        for (LogicalType t : List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Boolean,
                LogicalType.Float, LogicalType.Enum)) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
            if (t != LogicalType.Textual && t != LogicalType.Enum) {
                m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
            }
        }
        // the right shape for its own type is not a coercion
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Boolean, CoercionAction.TryConvert);
        return m;
    }

    private static final Pattern DUPLICATE = Pattern.compile("^key given twice: '(.*)'$");
    private static final Pattern LEADING_KEY = Pattern.compile("^([A-Za-z][A-Za-z0-9]*): (.*)$", Pattern.DOTALL);

    private static SettingsException translate(JsonProcessingException e, String text, String file) {
        List<String> path = List.of();
        String problem;
        if (e instanceof JsonMappingException m) {
            path = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : Integer.toString(r.getIndex())).filter(seg -> !seg.equals("-1")).toList();
        }
        if (e instanceof UnrecognizedPropertyException u) {
            problem = "unknown key; the keys here are " + String.join(", ", u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().toList());
        } else if (e instanceof ValueInstantiationException v) {
            Throwable cause = v.getCause() != null ? v.getCause() : v;
            problem = cause.getMessage();
        } else if (e instanceof InvalidFormatException f && f.getTargetType() == Cidr.class) {
            problem = f.getOriginalMessage();
        } else if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            problem = "'" + f.getValue() + "' is not one of " + enumValues(f.getTargetType());
        } else if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
            Optional<Found> found = path.isEmpty() ? Optional.empty() : locate(text, path);
            problem = "expected " + describe(mi.getTargetType()) + found.map(f -> ", found " + f.describe())
                    .orElse(mismatch(mi.getOriginalMessage()));
        } else {
            problem = yamlProblem(e.getOriginalMessage());
            Matcher dup = DUPLICATE.matcher(problem);
            if (dup.matches()) {
                // the parser stands in the mapping that has the key twice
                List<String> at = pointerPath(e.getProcessor() instanceof JsonParser p
                        ? p.getParsingContext().getParent().pathAsPointer() : JsonPointer.empty());
                path = new ArrayList<>(at);
                path.add(dup.group(1));
                problem = "key given twice";
                JsonLocation second = e.getLocation(); // locate() would find the first
                return new SettingsException(file, Optional.of(second.getLineNr()),
                        Optional.of(second.getColumnNr()), dotted(path), problem);
            }
        }
        Matcher k = LEADING_KEY.matcher(problem == null ? "" : problem);
        if (k.matches() && !path.isEmpty() && path.get(path.size() - 1).equals(k.group(1))) {
            problem = k.group(2);
        } else if (k.matches()) {
            path = new ArrayList<>(path);
            path.add(k.group(1));
            problem = k.group(2);
        }
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
            // SnakeYAML knows where the text stops being YAML; Jackson only where its last token was
            return new SettingsException(file, Optional.of(y.getProblemMark().getLine() + 1),
                    Optional.of(y.getProblemMark().getColumn() + 1), "", "not valid YAML: "
                    + (y.getContext() == null ? "" : y.getContext() + ": ") + y.getProblem());
        }
        JsonLocation loc = locate(text, path).map(Found::at).orElse(e.getLocation());
        Optional<Integer> line = loc == null || loc.getLineNr() < 1 ? Optional.empty() : Optional.of(loc.getLineNr());
        Optional<Integer> column = line.isEmpty() || loc.getColumnNr() < 1 ? Optional.empty()
                : Optional.of(loc.getColumnNr());
        return new SettingsException(file, line, column, dotted(path), problem == null ? e.toString() : problem);
    }

    /** Where a key (or list element) is, and what its value is. */
    record Found(JsonLocation at, JsonToken value, String text) {
        /** "text", "a number", "true/false", "a list", "a mapping". */
        String describe() {
            return switch (value) {
                case VALUE_STRING -> "text";
                case VALUE_NUMBER_INT -> "a number";
                case VALUE_NUMBER_FLOAT -> "a decimal number";
                case VALUE_TRUE, VALUE_FALSE -> "true/false ('" + text + "')";
                case START_ARRAY -> "a list";
                case START_OBJECT -> "a mapping";
                default -> value.asString() == null ? value.name() : value.asString();
            };
        }
    }

    /** The key (or list element) at {@code path}, from the YAML token stream. */
    static Optional<Found> locate(String text, List<String> path) {
        if (path.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder ptr = new StringBuilder();
        for (String seg : path) {
            ptr.append('/').append(seg.replace("~", "~0").replace("/", "~1"));
        }
        JsonPointer want = JsonPointer.compile(ptr.toString());
        try (JsonParser p = Yaml.MAPPER.getFactory().createParser(text)) {
            for (JsonToken t; (t = p.nextToken()) != null; ) {
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    continue;
                }
                if (p.getParsingContext().pathAsPointer().equals(want)) {
                    JsonLocation at = p.currentTokenLocation();
                    JsonToken value = t == JsonToken.FIELD_NAME ? p.nextToken() : t;
                    return Optional.of(new Found(at, value, value.isScalarValue() ? p.getText() : ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the text does not parse that far; the exception's own location stands
        }
        return Optional.empty();
    }

    private static List<String> pointerPath(JsonPointer pointer) {
        List<String> path = new ArrayList<>();
        for (JsonPointer ptr = pointer; ptr != null && !ptr.matches(); ptr = ptr.tail()) {
            path.add(ptr.getMatchingIndex() >= 0 ? Integer.toString(ptr.getMatchingIndex()) : ptr.getMatchingProperty());
        }
        return path;
    }

    private static String dotted(List<String> path) {
        StringBuilder b = new StringBuilder();
        for (String seg : path) {
            if (seg.chars().allMatch(Character::isDigit)) {
                b.append('[').append(seg).append(']');
            } else {
                b.append(b.length() == 0 ? "" : ".").append(seg);
            }
        }
        return b.toString();
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type.isEnum()) {
            return "one of " + enumValues(type);
        }
        if (type == String.class || type == Cidr.class || type == HostGlob.class
                || (type.isRecord() && type.getRecordComponents().length == 1
                && type.getRecordComponents()[0].getType() == String.class)) {
            return "text";
        }
        if (type.isRecord()) {
            return "a mapping of keys";
        }
        return type.getSimpleName();
    }

    private static String enumValues(Class<?> type) {
        return String.join(", ", Arrays.stream(type.getEnumConstants()).map(c -> {
            try {
                JsonProperty jp = type.getField(((Enum<?>) c).name())
                        .getAnnotation(JsonProperty.class);
                return jp != null ? jp.value() : ((Enum<?>) c).name();
            } catch (NoSuchFieldException e) {
                return ((Enum<?>) c).name();
            }
        }).toList());
    }

    /** ", found text" and the like, from Jackson's "from String value (token ...)" wording. */
    private static String mismatch(String jackson) {
        if (jackson == null) {
            return "";
        }
        if (jackson.contains("from String") || jackson.contains("String value")) {
            return ", found text";
        }
        if (jackson.contains("from Array") || jackson.contains("START_ARRAY")) {
            return ", found a list";
        }
        if (jackson.contains("from Object") || jackson.contains("START_OBJECT")) {
            return ", found a mapping";
        }
        if (jackson.contains("Integer value") || jackson.contains("VALUE_NUMBER_INT")) {
            return ", found a number";
        }
        if (jackson.contains("Boolean value") || jackson.contains("VALUE_TRUE") || jackson.contains("VALUE_FALSE")) {
            return ", found true/false";
        }
        if (jackson.contains("Floating-point") || jackson.contains("VALUE_NUMBER_FLOAT")) {
            return ", found a decimal number";
        }
        return "";
    }

    /** SnakeYAML's and Jackson's parse messages, without their own location lines. */
    private static String yamlProblem(String message) {
        if (message == null) {
            return "not valid YAML";
        }
        String first = message.strip().split("\n")[0].strip();
        if (first.startsWith("Duplicate field")) {
            return first.replace("Duplicate field", "key given twice:");
        }
        return "not valid YAML: " + message.strip().replaceAll("\\s*\\n\\s*", " ").replaceAll(" at \\[Source.*$", "");
    }
}
