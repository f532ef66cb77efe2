package dev.port25.agent.settings;

import java.util.Optional;

/**
 * A settings file that cannot be used: where (file, line and column when known, the key as a
 * dotted path) and why. {@link #getMessage()} reads like a compiler's:
 * {@code /etc/port25-agent/agent.yml:12:7: roles.relay.allowFrom[1]: prefix /33 out of range}.
 */
public final class SettingsException extends Exception {

    private final String file;
    private final Optional<Integer> line;
    private final Optional<Integer> column;
    private final String key;
    private final String problem;

    public SettingsException(String file, Optional<Integer> line, Optional<Integer> column, String key,
                             String problem) {
        super(file + line.map(l -> ":" + l + column.map(c -> ":" + c).orElse("")).orElse("") + ": "
                + (key.isEmpty() ? "" : key + ": ") + problem);
        this.file = file;
        this.line = line;
        this.column = column;
        this.key = key;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    public Optional<Integer> line() {
        return line;
    }

    public Optional<Integer> column() {
        return column;
    }

    /** The key as a dotted path ({@code roles.relay.allowFrom[1]}); empty for the file as a whole. */
    public String key() {
        return key;
    }

    /** What is wrong, without the location. */
    public String problem() {
        return problem;
    }
}
