package dev.port25.agent.smtp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The domains the probe asks RCPT (and a 501-answering VRFY) at, from what the server calls itself. */
final class SmtpDomains {

    private static final Pattern HOST_NAME = Pattern.compile("(?i)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*");

    private SmtpDomains() {
    }

    /** A DNS host name ("mx.p25.test"), not an address literal or free text. */
    static boolean hostName(String name) {
        return HOST_NAME.matcher(name).matches();
    }

    /**
     * RCPT's candidate domains: {@code mailDomains}, the EHLO name, the name in the banner
     * ("220 vm ESMTP OpenSMTPD": vm), then each name's parent domains down to two labels
     * (mx.p25.test: p25.test), without repeats, in lower case. Never empty: a server that names
     * nothing is asked at "localhost".
     */
    static List<String> candidates(List<String> mailDomains, String ehloName, Optional<String> banner) {
        Set<String> names = new LinkedHashSet<>();
        mailDomains.forEach(d -> names.add(d.toLowerCase(Locale.ROOT)));
        List<String> own = new ArrayList<>();
        own.add(ehloName);
        // "220 name text" or "220-name text": the code and one separator, then the name
        banner.map(b -> b.split("\n")[0]).filter(l -> l.length() > 4).ifPresent(l -> own.add(l.substring(4).split(" ")[0]));
        for (String n : own) {
            if (hostName(n)) {
                names.add(n.toLowerCase(Locale.ROOT));
            }
        }
        for (String n : List.copyOf(names)) {
            String[] labels = n.split("\\.");
            for (int i = 1; i + 2 <= labels.length; i++) {
                names.add(String.join(".", Arrays.copyOfRange(labels, i, labels.length)));
            }
        }
        return names.isEmpty() ? List.of("localhost") : List.copyOf(names);
    }
}
