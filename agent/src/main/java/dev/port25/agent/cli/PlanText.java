package dev.port25.agent.cli;

import dev.port25.firewall.exec.Command;
import dev.port25.firewall.spi.Change;
import dev.port25.firewall.spi.Plan;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A plan as the operator reads it: each change, then each command's exact argv and standard input. */
final class PlanText {

    private PlanText() {
    }

    static void print(Plan plan, PrintWriter out) {
        if (plan.isEmpty()) {
            out.println("  no change: " + plan.backend() + " is already there");
            return;
        }
        for (Change c : plan.changes()) {
            out.println("  " + c.getClass().getSimpleName().toLowerCase(Locale.ROOT) + ": " + c.description());
            for (Command cmd : c.commands()) {
                out.println("    $ " + argv(cmd));
                if (cmd.stdin().length > 0) {
                    for (String line : new String(cmd.stdin(), StandardCharsets.UTF_8).split("\n")) {
                        out.println("    | " + line);
                    }
                }
            }
        }
    }

    /** argv quoted as a POSIX shell would need it, for reading only: nothing is ever run through a shell. */
    static String argv(Command cmd) {
        StringBuilder sb = new StringBuilder();
        for (String a : cmd.argv()) {
            sb.append(sb.length() == 0 ? "" : " ");
            sb.append(a.matches("[A-Za-z0-9_@%+=:,./-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }
}
