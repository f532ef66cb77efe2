package dev.port25.agent.smtp;

import dev.port25.agent.smtp.SmtpProbeResult.Answer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Random but valid MTA configurations for {@link ProbeFuzzIT}, each with the truth a probe of it
 * must report, derived from the configuration alone (which users the server's tables hold, what
 * its restrictions let this peer do, what it announces), never from the probe's logic. Mostly
 * Postfix 3.7 ({@code main.cf} settings an administrator writes), some Exim 4.96 (Debian's
 * configuration with ACL and limit edits) and some OpenSMTPD 6.8 (its users, host name and
 * domain). The addresses are the fuzz lab's: the server is {@value #SERVER4} and
 * {@value #SERVER6}, the peer probes from {@value #PEER4} and {@value #PEER6}.
 */
final class MtaConfigGenerator {

    static final String SERVER4 = "198.18.27.1";
    static final String SERVER6 = "fd00:27::1";
    static final String PEER4 = "198.18.27.2";
    static final String PEER6 = "fd00:27::2";

    /** Names no table of the generator's holds and no system account has. */
    private static final List<String> NAMES = List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace",
            "heidi", "ivan", "judy", "mallory", "oscar", "peggy", "trent", "victor", "walter", "admin", "test", "info",
            "sales", "webmaster", "support", "noc", "billing");
    /** System accounts asked about where the server's users are the system's (Postfix passwd, Exim). */
    private static final List<String> SYSTEM = List.of("root", "daemon", "bin", "mail", "news", "nobody", "backup",
            "list", "www-data", "postfix");

    /**
     * What a probe over one address family must report.
     *
     * @param openRelay      a relay form must be accepted
     * @param vrfy           VRFY's classification
     * @param expn           EXPN's classification
     * @param rcpt           RCPT's classification; NOT_TESTED with {@code rcptKnowable} false where the
     *                       server receives mail at none of the domains the probe may try
     * @param rcptKnowable   false: the agent legitimately cannot judge RCPT (counted as UNKNOWN)
     * @param rcptDomain     the domain RCPT must be judged at, when knowable
     * @param enumerable     exactly the users the probe must name as told apart
     * @param starttls       STARTTLS is announced
     * @param authBeforeTls  AUTH is announced before TLS
     * @param authAfterTls   AUTH is announced after STARTTLS
     * @param bannerLeaks    the banner names the software or its version
     */
    record Truth(boolean openRelay, Answer vrfy, Answer expn, Answer rcpt, boolean rcptKnowable,
                 Optional<String> rcptDomain, Set<String> enumerable, boolean starttls, boolean authBeforeTls,
                 boolean authAfterTls, boolean bannerLeaks) {
    }

    /** One generated server and what the probe is asked ({@code --users}, {@code --domain}). */
    sealed interface MtaCase permits PostfixCase, EximCase, OpenSmtpdCase {
        String mta();

        List<String> users();

        Optional<String> domain();

        /** The constructs the case uses, for the coverage counts. */
        List<String> constructs();

        Truth truth(boolean ipv6);
    }

    enum Recipients { TABLE, ACCEPT_ALL, PASSWD }

    enum Relay {
        /** Postfix's default smtpd_relay_restrictions (permit_mynetworks, ..., defer_unauth_destination). */
        DEFAULT,
        /** smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination. */
        MYNETWORKS,
        /** The old style: no relay restrictions, the check in smtpd_recipient_restrictions. */
        RECIPIENT_ONLY,
        /** smtpd_relay_restrictions = permit; the check in smtpd_recipient_restrictions. */
        PERMIT_THEN_RECIPIENT,
        /** A cidr client table that permits (OK) the peer's network in one or both families. */
        CLIENT_OK
    }

    /** A Postfix instance; {@code overrides(dir)} is its main.cf (tables written into dir). */
    record PostfixCase(String hostname, Recipients recipients, Set<String> table, Set<String> passwd,
                       boolean vrfyOff, Relay relay, String mynetworks, boolean trusted4, boolean trusted6,
                       boolean clientOk4, boolean clientOk6, boolean tls, List<String> discard, String banner,
                       boolean bannerLeaks, int softLimit, int hardLimit, Optional<Integer> junkLimit,
                       boolean delayReject, boolean sasl, boolean authOnly, List<String> users,
                       Optional<String> domain) implements MtaCase {
        @Override
        public String mta() {
            return "postfix";
        }

        Map<String, String> overrides(Path dir, Path cert, Path key) throws IOException {
            Map<String, String> cf = new LinkedHashMap<>();
            cf.put("myhostname", hostname);
            cf.put("disable_vrfy_command", vrfyOff ? "yes" : "no");
            switch (recipients) {
                case TABLE -> cf.put("local_recipient_maps", "texthash:" + write(dir, "recipients",
                        String.join("", table.stream().map(u -> u + " x\n").toList())));
                case ACCEPT_ALL -> cf.put("local_recipient_maps", "");
                case PASSWD -> { } // Postfix's default: proxy:unix:passwd.byname $alias_maps (alias_maps empty)
            }
            cf.put("mynetworks", mynetworks);
            switch (relay) {
                case DEFAULT -> { }
                case MYNETWORKS -> cf.put("smtpd_relay_restrictions", "permit_mynetworks, reject_unauth_destination");
                case RECIPIENT_ONLY -> {
                    cf.put("smtpd_relay_restrictions", "");
                    cf.put("smtpd_recipient_restrictions", "permit_mynetworks, reject_unauth_destination");
                }
                case PERMIT_THEN_RECIPIENT -> {
                    cf.put("smtpd_relay_restrictions", "permit");
                    cf.put("smtpd_recipient_restrictions", "permit_mynetworks, reject_unauth_destination");
                }
                case CLIENT_OK -> {
                    StringBuilder cidr = new StringBuilder();
                    if (clientOk4) {
                        cidr.append("198.18.27.0/24 OK\n");
                    }
                    if (clientOk6) {
                        cidr.append("fd00:27::/64 OK\n");
                    }
                    cidr.append("0.0.0.0/0 DUNNO\n");
                    cf.put("smtpd_relay_restrictions", "permit_mynetworks, check_client_access cidr:"
                            + write(dir, "clients.cidr", cidr.toString()) + ", reject_unauth_destination");
                }
            }
            cf.put("smtpd_tls_security_level", tls ? "may" : "none");
            if (tls) {
                cf.put("smtpd_tls_cert_file", cert.toString());
                cf.put("smtpd_tls_key_file", key.toString());
            }
            if (!discard.isEmpty()) {
                cf.put("smtpd_discard_ehlo_keywords", String.join(", ", discard));
            }
            cf.put("smtpd_banner", banner);
            cf.put("smtpd_soft_error_limit", Integer.toString(softLimit));
            cf.put("smtpd_hard_error_limit", Integer.toString(hardLimit));
            junkLimit.ifPresent(j -> cf.put("smtpd_junk_command_limit", Integer.toString(j)));
            cf.put("smtpd_error_sleep_time", "0s");
            cf.put("smtpd_delay_reject", delayReject ? "yes" : "no");
            if (sasl) {
                cf.put("smtpd_sasl_auth_enable", "yes");
                cf.put("smtpd_tls_auth_only", authOnly ? "yes" : "no");
            }
            return cf;
        }

        @Override
        public List<String> constructs() {
            List<String> c = new ArrayList<>(List.of("postfix", "recipients " + recipients, "relay " + relay,
                    vrfyOff ? "disable_vrfy_command" : "vrfy on", tls ? "tls may" : "tls none",
                    bannerLeaks ? "banner names software" : "banner plain", "hard_error_limit " + hardLimit,
                    delayReject ? "delay_reject yes" : "delay_reject no"));
            if (trusted4 || trusted6) {
                c.add("mynetworks has the peer" + (trusted4 && trusted6 ? "" : trusted4 ? " (ipv4)" : " (ipv6)"));
            }
            discard.forEach(k -> c.add("discard " + k));
            junkLimit.ifPresent(j -> c.add("junk_command_limit"));
            if (sasl) {
                c.add(authOnly ? "sasl + tls_auth_only" : "sasl");
            }
            domain.ifPresent(d -> c.add("--domain " + (local(d) ? "local" : "foreign")));
            return c;
        }

        boolean local(String d) {
            return d.equals(hostname) || d.equals("p25.test");
        }

        /** The recipient table (or passwd) holds the user; Postfix accepts postmaster whatever it holds (smtpd_check.c). */
        boolean exists(String user) {
            return switch (recipients) {
                case TABLE -> table.contains(user) || user.equals("postmaster");
                case PASSWD -> passwd.contains(user) || user.equals("postmaster");
                case ACCEPT_ALL -> true;
            };
        }

        @Override
        public Truth truth(boolean ipv6) {
            boolean open = ipv6 ? trusted6 || clientOk6 : trusted4 || clientOk4;
            boolean acceptAll = recipients == Recipients.ACCEPT_ALL;
            Set<String> told = new LinkedHashSet<>(users.stream().filter(this::exists).toList());
            Answer local = acceptAll || told.isEmpty() ? Answer.UNIFORM : Answer.DISCLOSES;
            Answer vrfy = vrfyOff ? Answer.DISABLED : local;
            String d = domain.orElse(hostname); // the EHLO name, where postmaster is accepted
            Answer rcpt;
            boolean knowable = true;
            if (local(d)) {
                rcpt = local;
            } else if (open) {
                rcpt = Answer.UNIFORM; // relayed: every address at a foreign domain is accepted
            } else {
                rcpt = Answer.NOT_TESTED;
                knowable = false;
            }
            Set<String> enumerable = vrfy == Answer.DISCLOSES || rcpt == Answer.DISCLOSES ? told : Set.of();
            boolean starttls = tls && !discard.contains("starttls");
            return new Truth(open, vrfy, Answer.DISABLED, rcpt, knowable, knowable ? Optional.of(d) : Optional.empty(),
                    enumerable, starttls, sasl && !authOnly, sasl && starttls, bannerLeaks);
        }
    }

    /** Exim with Debian's configuration ("local"), edited. */
    record EximCase(boolean acceptAllRcpt, boolean vrfyAcl, Optional<Integer> maxNonmail, boolean plainBanner,
                    boolean noTls, Set<String> routable, List<String> users, Optional<String> domain)
            implements MtaCase {
        @Override
        public String mta() {
            return "exim";
        }

        /** The edit of the generated configuration: main options first, ACLs after "begin acl". */
        String edit(String conf) {
            StringBuilder main = new StringBuilder();
            maxNonmail.ifPresent(n -> main.append("smtp_accept_max_nonmail = ").append(n).append('\n'));
            if (plainBanner) {
                main.append("smtp_banner = $smtp_active_hostname ESMTP\n");
            }
            if (noTls) {
                main.append("tls_advertise_hosts =\n");
            }
            if (vrfyAcl) {
                main.append("acl_smtp_vrfy = acl_p25_vrfy\n");
            }
            String out = main + conf;
            if (vrfyAcl) {
                out = out.replaceFirst("(?m)^begin acl$", "begin acl\n\nacl_p25_vrfy:\n  accept\n");
            }
            if (acceptAllRcpt) {
                out = out.replaceFirst("(?m)^acl_check_rcpt:$", "acl_check_rcpt:\n  accept");
            }
            return out;
        }

        @Override
        public List<String> constructs() {
            List<String> c = new ArrayList<>(List.of("exim", acceptAllRcpt ? "exim rcpt acl accept" : "exim rcpt acl debian",
                    vrfyAcl ? "exim vrfy acl accept" : "exim vrfy acl unset", plainBanner ? "banner plain"
                            : "banner names software", noTls ? "exim tls_advertise_hosts empty" : "exim tls default"));
            maxNonmail.ifPresent(n -> c.add("exim smtp_accept_max_nonmail"));
            domain.ifPresent(d -> c.add("--domain " + (d.equals("mx.p25.test") ? "local" : "foreign")));
            return c;
        }

        @Override
        public Truth truth(boolean ipv6) {
            // routable: passwd accounts (local_user, mail4root for root) and /etc/aliases; the RCPT ACL
            // accepts postmaster at a local domain before it verifies anything. Local domains: the host name.
            Set<String> rcptTold = new LinkedHashSet<>(users);
            Set<String> rcptExist = new LinkedHashSet<>(routable);
            rcptExist.add("postmaster");
            rcptTold.retainAll(rcptExist);
            String d = domain.orElse("mx.p25.test");
            boolean local = d.equals("mx.p25.test");
            Answer rcpt;
            boolean knowable = true;
            if (acceptAllRcpt) {
                rcpt = Answer.UNIFORM;
            } else if (local) {
                rcpt = rcptTold.isEmpty() ? Answer.UNIFORM : Answer.DISCLOSES;
            } else {
                rcpt = Answer.NOT_TESTED; // "550 relay not permitted" for every address there
                knowable = false;
            }
            Set<String> vrfyTold = new LinkedHashSet<>(users);
            vrfyTold.retainAll(routable);
            // unset: "252 Administrative prohibition" for everyone; accepted: verified by routing
            Answer vrfy = vrfyAcl && !vrfyTold.isEmpty() ? Answer.DISCLOSES : Answer.UNIFORM;
            Set<String> enumerable = new LinkedHashSet<>();
            if (vrfy == Answer.DISCLOSES) {
                enumerable.addAll(vrfyTold);
            }
            if (rcpt == Answer.DISCLOSES) {
                enumerable.addAll(rcptTold);
            }
            // EXPN without acl_smtp_expn: "550 Administrative prohibition" for everyone
            return new Truth(acceptAllRcpt, vrfy, Answer.UNIFORM, rcpt, knowable,
                    knowable ? Optional.of(d) : Optional.empty(), enumerable, !noTls, false, false, !plainBanner);
        }
    }

    /** OpenSMTPD receiving for {@code mailDomain} only, its users from a table, postmaster an alias of root. */
    record OpenSmtpdCase(String hostname, String mailDomain, List<String> local, List<String> users,
                         Optional<String> domain) implements MtaCase {
        @Override
        public String mta() {
            return "opensmtpd";
        }

        @Override
        public List<String> constructs() {
            List<String> c = new ArrayList<>(List.of("opensmtpd", "opensmtpd hostname " + (hostname.contains(".")
                    ? "with the domain" : "bare"), local.contains("root") ? "opensmtpd root" : "opensmtpd no root"));
            domain.ifPresent(d -> c.add("--domain " + (d.equals(mailDomain) ? "local" : "foreign")));
            return c;
        }

        @Override
        public Truth truth(boolean ipv6) {
            // the documented search (docs/probe-json.md): the EHLO and banner name, then its parents
            List<String> searched = new ArrayList<>();
            if (domain.isPresent()) {
                searched.add(domain.get());
            } else {
                String[] labels = hostname.split("\\.");
                for (int i = 0; i == 0 || i + 2 <= labels.length; i++) {
                    searched.add(String.join(".", Arrays.copyOfRange(labels, i, labels.length)));
                }
            }
            boolean knowable = searched.contains(mailDomain);
            Set<String> exist = new LinkedHashSet<>(local);
            if (local.contains("root")) {
                exist.add("postmaster");
            }
            Set<String> told = new LinkedHashSet<>(users);
            told.retainAll(exist);
            Answer rcpt = !knowable ? Answer.NOT_TESTED : told.isEmpty() ? Answer.UNIFORM : Answer.DISCLOSES;
            return new Truth(false, Answer.DISABLED, Answer.DISABLED, rcpt, knowable,
                    knowable ? Optional.of(mailDomain) : Optional.empty(), rcpt == Answer.DISCLOSES ? told : Set.of(),
                    false, false, false, true);
        }
    }

    private final Random random;
    private final Set<String> passwd;
    private final Set<String> routable;

    /**
     * @param passwd the account names of the server namespace's passwd: Postfix's passwd.byname,
     *               and what Exim routes (local_user, mail4root). Not /etc/aliases: Exim
     *               qualifies an alias's target ("postmaster: root") with the host's mail name,
     *               no local domain of the lab's, and refuses VRFY postmaster ("Mailing to remote
     *               domains not supported"; found as an oracle mistake, seed 20261202 case 40)
     */
    MtaConfigGenerator(long seed, Set<String> passwd) {
        this.random = new Random(seed);
        this.passwd = Set.copyOf(passwd);
        this.routable = this.passwd;
    }

    MtaCase next() {
        double r = random.nextDouble();
        return r < 0.6 ? postfix() : r < 0.8 ? exim() : openSmtpd();
    }

    private PostfixCase postfix() {
        String hostname = one("mx.p25.test", "mx.p25.test", "mail.p25.test");
        Recipients recipients = one(Recipients.TABLE, Recipients.TABLE, Recipients.TABLE, Recipients.ACCEPT_ALL,
                Recipients.PASSWD);
        List<String> pool = recipients == Recipients.PASSWD ? systemNames() : names(6);
        Set<String> table = new LinkedHashSet<>();
        if (recipients == Recipients.TABLE) {
            pool.stream().filter(u -> chance(0.5)).forEach(table::add);
            if (chance(0.5)) {
                table.add("root");
            }
        }
        Relay relay = one(Relay.values());
        boolean m4 = chance(0.25);
        boolean m6 = chance(0.25);
        List<String> nets = new ArrayList<>(List.of("127.0.0.0/8", "[::1]/128"));
        if (m4) {
            nets.add(one("198.18.27.0/24", "198.18.27.2/32", "198.18.0.0/15"));
        } else if (chance(0.4)) {
            nets.add("198.18.26.0/24"); // a neighbour network, not the peer's
        }
        if (m6) {
            nets.add(one("[fd00:27::]/64", "[fd00:27::2]/128"));
        } else if (chance(0.4)) {
            nets.add("[fd00:26::]/64");
        }
        boolean ok4 = relay == Relay.CLIENT_OK && chance(0.6);
        boolean ok6 = relay == Relay.CLIENT_OK && (!ok4 || chance(0.5));
        boolean tls = chance(0.5);
        List<String> discard = new ArrayList<>();
        if (chance(0.3)) {
            discard.add("pipelining");
        }
        if (tls && chance(0.2)) {
            discard.add("starttls");
        }
        String[][] banners = {{"$myhostname ESMTP", "no"}, {"$myhostname ESMTP ready", "no"},
            {"$myhostname ESMTP $mail_name", "yes"}, {"$myhostname ESMTP $mail_name (Debian/GNU)", "yes"},
            {"$myhostname ESMTP $mail_name $mail_version", "yes"}, {"$myhostname ESMTP mailer $mail_version", "yes"}};
        String[] banner = banners[random.nextInt(banners.length)];
        int hard = 2 + random.nextInt(5);
        int soft = 1 + random.nextInt(hard);
        boolean sasl = chance(0.3);
        List<String> asked = asked(pool, hard + 2 + random.nextInt(6));
        Optional<String> domain = chance(0.6) ? Optional.empty()
                : Optional.of(one("p25.test", hostname, "example.org"));
        return new PostfixCase(hostname, recipients, table, passwd, chance(0.5), relay, String.join(" ", nets), m4, m6,
                ok4, ok6, tls, discard, banner[0], banner[1].equals("yes"), soft, hard,
                chance(0.25) ? Optional.of(2 + random.nextInt(4)) : Optional.empty(), chance(0.7), sasl,
                sasl && chance(0.5), asked, domain);
    }

    private EximCase exim() {
        List<String> asked = asked(systemNames(), 6 + random.nextInt(6));
        return new EximCase(chance(0.25), chance(0.5), chance(0.5) ? Optional.of(3 + random.nextInt(4)) : Optional.empty(),
                chance(0.5), chance(0.3), routable, asked,
                chance(0.7) ? Optional.empty() : Optional.of(one("mx.p25.test", "p25.test")));
    }

    private OpenSmtpdCase openSmtpd() {
        String hostname = one("vm", "mx.p25.test", "mail.p25.test", "p25.test");
        String mailDomain = one("p25.test", "p25.test", hostname);
        List<String> pool = names(6);
        List<String> local = new ArrayList<>();
        if (chance(0.8)) {
            local.add("root");
        }
        pool.stream().filter(u -> chance(0.5)).forEach(local::add);
        if (local.isEmpty()) {
            local.add(pool.get(0));
        }
        List<String> asked = asked(pool, 6 + random.nextInt(5));
        Optional<String> domain = chance(0.6) ? Optional.empty() : Optional.of(one(mailDomain, mailDomain, "example.org"));
        return new OpenSmtpdCase(hostname, mailDomain, local, asked, domain);
    }

    /**
     * {@code n} users (at least the error limit plus two): from {@code pool}, root and postmaster
     * sometimes, names nobody has, shuffled.
     */
    private List<String> asked(List<String> pool, int n) {
        Set<String> out = new LinkedHashSet<>();
        if (chance(0.5)) {
            out.add("postmaster");
        }
        if (chance(0.5)) {
            out.add("root");
        }
        List<String> p = new ArrayList<>(pool);
        Collections.shuffle(p, random);
        for (String u : p) {
            if (out.size() < n / 2 + 1) {
                out.add(u);
            }
        }
        List<String> absent = new ArrayList<>(NAMES.stream().filter(u -> !passwd.contains(u) && !routable.contains(u))
                .toList());
        Collections.shuffle(absent, random);
        for (String u : absent) {
            if (out.size() < n && !pool.contains(u)) {
                out.add(u);
            }
        }
        List<String> list = new ArrayList<>(out);
        Collections.shuffle(list, random);
        return list;
    }

    /** {@code n} of the invented names, which some tables of the case will hold. */
    private List<String> names(int n) {
        List<String> p = new ArrayList<>(NAMES.stream().filter(u -> !passwd.contains(u) && !routable.contains(u))
                .toList());
        Collections.shuffle(p, random);
        return List.copyOf(p.subList(0, n));
    }

    private List<String> systemNames() {
        return SYSTEM.stream().filter(passwd::contains).toList();
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    @SafeVarargs
    private <T> T one(T... options) {
        return options[random.nextInt(options.length)];
    }

    private static String write(Path dir, String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        return f.toString();
    }
}
