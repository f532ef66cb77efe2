package dev.port25.agent.dns;

import dev.port25.agent.settings.Settings;
import dev.port25.firewall.net.IpAddresses;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.ServerFailedException;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * DNS questions, asked of the servers the settings name ({@code dns.resolvers}) or, without any,
 * of the system's ({@code /etc/resolv.conf}), through dnsjava. CNAME chains are followed. Every
 * question has a deadline of {@code dns.timeoutSeconds}, whatever the resolver library's own
 * retries; a question past it is FAILED, never NONE.
 */
public final class DnsLookup {

    private final LookupSession session;
    private final Duration timeout;
    private final String servers;

    private DnsLookup(LookupSession session, Duration timeout, String servers) {
        this.session = session;
        this.timeout = timeout;
        this.servers = servers;
    }

    /** A lookup through the servers in {@code dns}, with one cache for its lifetime. */
    public static DnsLookup of(Settings.Dns dns) {
        Duration timeout = Duration.ofSeconds(dns.timeoutSeconds());
        ExtendedResolver resolver;
        String servers;
        if (dns.resolvers().isEmpty()) {
            resolver = new ExtendedResolver(); // the system's servers
            servers = "the system's resolvers";
        } else {
            List<Resolver> each = new ArrayList<>();
            for (var r : dns.resolvers()) {
                each.add(new SimpleResolver(r.network()));
            }
            resolver = new ExtendedResolver(each);
            servers = dns.resolvers().stream().map(r -> IpAddresses.text(r.network())).toList().toString();
        }
        resolver.setTimeout(timeout);
        LookupSession session = LookupSession.builder().resolver(resolver).cache(new Cache(DClass.IN))
                .clearSearchPath().build();
        return new DnsLookup(session, timeout, servers);
    }

    /** Which servers are asked, for evidence. */
    public String servers() {
        return servers;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The TXT records at {@code name}, each record's strings joined without separators. */
    public CompletableFuture<Answer> txt(String name) {
        return ask(name, Type.TXT, r -> {
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            for (Object part : ((TXTRecord) r).getStringsAsByteArrays()) {
                joined.writeBytes((byte[]) part);
            }
            return joined.toString(StandardCharsets.UTF_8);
        });
    }

    /** The MX exchanges of {@code name}, lower case, without the final dot ("." for a null MX). */
    public CompletableFuture<Answer> mx(String name) {
        return ask(name, Type.MX, r -> hostName(((MXRecord) r).getTarget()));
    }

    /** The IPv4 and IPv6 addresses of {@code name}; NONE only when it has neither. */
    public CompletableFuture<Answer> addresses(String name) {
        CompletableFuture<Answer> v4 = ask(name, Type.A, r -> IpAddresses.text(((ARecord) r).getAddress()));
        CompletableFuture<Answer> v6 = ask(name, Type.AAAA, r -> IpAddresses.text(((AAAARecord) r).getAddress()));
        return v4.thenCombine(v6, (a, b) -> {
            List<String> all = new ArrayList<>();
            for (Answer x : List.of(a, b)) {
                if (x.status() == Answer.Status.FOUND) {
                    all.addAll(x.values());
                }
            }
            if (!all.isEmpty()) {
                return Answer.found(all);
            }
            if (a.status() == Answer.Status.FAILED || b.status() == Answer.Status.FAILED) {
                return Answer.failed(a.status() == Answer.Status.FAILED ? a.detail() : b.detail());
            }
            return Answer.none(a.detail());
        });
    }

    /** Addresses as the JDK's type, for a connection. */
    public static InetAddress[] inetAddresses(Answer a) {
        List<InetAddress> out = new ArrayList<>();
        for (String v : a.values()) {
            out.add(parseLiteral(v));
        }
        return out.toArray(InetAddress[]::new);
    }

    private static InetAddress parseLiteral(String literal) {
        try {
            return InetAddress.getByName(literal); // a numeric literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalStateException("not an address literal: " + literal, e);
        }
    }

    static String hostName(Name n) {
        String s = n.toString(true).toLowerCase(Locale.ROOT);
        return s.isEmpty() ? "." : s;
    }

    private CompletableFuture<Answer> ask(String name, int type, Function<Record, String> value) {
        Name qname;
        try {
            qname = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(Answer.failed("'" + name + "' is not a DNS name: " + e.getMessage()));
        }
        String what = Type.string(type);
        return session.lookupAsync(qname, type).toCompletableFuture()
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((LookupResult result, Throwable error) -> {
                    if (error == null) {
                        List<String> values = result.getRecords().stream().filter(r -> r.getType() == type)
                                .map(value).distinct().sorted().toList();
                        return values.isEmpty() ? Answer.none("no " + what + " record") : Answer.found(values);
                    }
                    Throwable e = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (e instanceof NoSuchDomainException) {
                        return Answer.none("NXDOMAIN");
                    }
                    if (e instanceof NoSuchRRSetException) {
                        return Answer.none("no " + what + " record");
                    }
                    if (e instanceof ServerFailedException) {
                        return Answer.failed(what + " " + name + ": SERVFAIL from " + servers);
                    }
                    if (e instanceof TimeoutException) {
                        return Answer.failed(what + " " + name + ": no answer within " + timeout.toSeconds() + " s from "
                                + servers);
                    }
                    return Answer.failed(what + " " + name + ": " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + " (" + servers + ")");
                });
    }
}
