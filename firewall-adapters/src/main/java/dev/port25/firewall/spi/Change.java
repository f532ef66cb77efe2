package dev.port25.firewall.spi;

import dev.port25.firewall.exec.Command;

import java.util.List;
import java.util.Objects;

/**
 * One step of a plan: what it does, in words, and the exact commands (argv and standard input)
 * that do it. Only rules the agent owns are ever added, replaced or removed.
 */
public sealed interface Change permits Change.Add, Change.Replace, Change.Remove {

    /** One sentence for the operator. */
    String description();

    /** The commands, in order. */
    List<Command> commands();

    /** Creates rules (or an own table or chain) that are not there. */
    record Add(String description, List<Command> commands) implements Change {
        public Add {
            Objects.requireNonNull(description, "description");
            commands = List.copyOf(commands);
        }
    }

    /** Replaces the agent's own rules atomically. */
    record Replace(String description, List<Command> commands) implements Change {
        public Replace {
            Objects.requireNonNull(description, "description");
            commands = List.copyOf(commands);
        }
    }

    /** Removes rules (or an own table or chain) the agent added. */
    record Remove(String description, List<Command> commands) implements Change {
        public Remove {
            Objects.requireNonNull(description, "description");
            commands = List.copyOf(commands);
        }
    }
}
