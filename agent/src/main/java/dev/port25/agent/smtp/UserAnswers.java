package dev.port25.agent.smtp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the replies to VRFY, EXPN or RCPT TO for a list of users and a random control user
 * disclose. A reply is an answer about the user only when it accepts or refuses that user; a lost
 * transaction (503), a closed or closing session (421), a temporary failure (4xx), a syntax
 * complaint (501) or a session limit reached ("554 Too many nonmail commands", Exim 4.96, which
 * then hangs up) says nothing about them: such a user is "unanswered", never counted as absent.
 * Any other 554 is a refusal of the user: Postfix answers an access-map REJECT with 554
 * ({@code access_map_reject_code}).
 * Pure: the probe asks, this judges.
 */
final class UserAnswers {

    /** What one reply says about the user it was asked for. */
    enum Said {
        /** 2xx: accepted, or (VRFY's 252) "cannot verify but will accept". */
        YES,
        /** 5xx other than the ones below: refused for good ("550 5.1.1 User unknown"). */
        NO,
        /** 500, 502, 504: the command is not there or is switched off. */
        OFF,
        /** 421, 4xx, 501, 503, a 554 for too many commands, or no reply: no answer about this user. */
        NOTHING;

        static Said of(SmtpReply r) {
            int c = r.code();
            if (r.positive()) {
                return YES;
            }
            if (c == 500 || c == 502 || c == 504) {
                return OFF;
            }
            boolean sessionLimit = c == 554 && r.lines().stream().anyMatch(l -> l.toLowerCase(Locale.ROOT)
                    .contains("too many"));
            if (c / 100 == 5 && c != 501 && c != 503 && !sessionLimit) {
                return NO;
            }
            return NOTHING;
        }
    }

    /**
     * The verdict over one verb's replies.
     *
     * @param answer     how the verb answers
     * @param disclosed  users accepted while the control was refused, in the order asked
     * @param unanswered users (and "control", for the control) that got no answer about them
     */
    record Verdict(SmtpProbeResult.Answer answer, List<String> disclosed, List<String> unanswered) {
        Verdict {
            disclosed = List.copyOf(disclosed);
            unanswered = List.copyOf(unanswered);
        }
    }

    private UserAnswers() {
    }

    /**
     * @param control the reply for the random control user; empty when none came
     * @param users   each user's reply, in the order asked; a user without one is unanswered
     */
    static Verdict judge(Optional<SmtpReply> control, Map<String, Optional<SmtpReply>> users) {
        Map<String, SmtpReply> answered = new LinkedHashMap<>();
        List<String> unanswered = new ArrayList<>();
        users.forEach((u, r) -> {
            if (r.isPresent() && Said.of(r.get()) != Said.NOTHING) {
                answered.put(u, r.get());
            } else {
                unanswered.add(u);
            }
        });
        Said c = control.map(Said::of).orElse(Said.NOTHING);
        if (c == Said.NOTHING) {
            List<String> all = new ArrayList<>(List.of("control"));
            all.addAll(unanswered);
            return new Verdict(SmtpProbeResult.Answer.NOT_TESTED, List.of(), all);
        }
        if (c == Said.OFF && answered.values().stream().allMatch(r -> Said.of(r) == Said.OFF)) {
            return new Verdict(SmtpProbeResult.Answer.DISABLED, List.of(), unanswered);
        }
        List<String> disclosed = new ArrayList<>();
        if (c == Said.NO) {
            answered.forEach((u, r) -> {
                if (Said.of(r) == Said.YES) {
                    disclosed.add(u);
                }
            });
        }
        if (!disclosed.isEmpty()) {
            return new Verdict(SmtpProbeResult.Answer.DISCLOSES, disclosed, unanswered);
        }
        if (answered.isEmpty()) {
            return new Verdict(SmtpProbeResult.Answer.NOT_TESTED, List.of(), unanswered);
        }
        int code = control.get().code();
        if (answered.values().stream().allMatch(r -> r.code() == code)) {
            return new Verdict(SmtpProbeResult.Answer.UNIFORM, List.of(), unanswered);
        }
        return new Verdict(SmtpProbeResult.Answer.OTHER, List.of(), unanswered);
    }
}
