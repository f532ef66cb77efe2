package dev.port25.firewall.eval;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;

/**
 * An nftables ruleset as {@code nft -j list ruleset} prints it: every table, chain, rule, set and
 * other object of every family, including other tools' (firewalld, iptables-nft, docker). What
 * both the evaluation and the nftables adapter read; made by {@link NftJson#parse(String)}.
 * Rule expressions and set elements stay JSON trees (read them, never change them): only the
 * evaluation interprets them.
 *
 * @param version the nft version its metainfo names, when it does
 * @param tables  in the order nft lists them
 * @param chains  in the order nft lists them
 * @param rules   in the order nft lists them (within a chain: the chain's order)
 * @param sets    named sets and maps
 * @param objects everything that lives in a table besides rules and the table itself (chains,
 *                sets, maps, flowtables, stateful objects), in the order nft lists them
 */
public record NftRuleset(Optional<String> version, List<Table> tables, List<Chain> chains, List<Rule> rules,
                         List<NamedSet> sets, List<TableObject> objects) {

    public NftRuleset {
        tables = List.copyOf(tables);
        chains = List.copyOf(chains);
        rules = List.copyOf(rules);
        sets = List.copyOf(sets);
        objects = List.copyOf(objects);
    }

    /** A table; its handle counts up in a network namespace, so a higher one was made later. */
    public record Table(String family, String name, long handle) {
    }

    /**
     * A chain; {@code type}, {@code hook}, {@code priority} and {@code policy} are empty for a
     * regular chain, {@code device} for any but a netdev ingress chain.
     */
    public record Chain(String family, String table, String name, Optional<String> type, Optional<String> hook,
                        Optional<Integer> priority, Optional<String> policy, Optional<String> device, long handle) {
    }

    /** A rule: its statements ({@code expr}, a JSON array) in order, and its comment. */
    public record Rule(String family, String table, String chain, long handle, Optional<String> comment,
                       JsonNode expr) {

        /** The statements as JSON text. */
        public String exprJson() {
            return expr.toString();
        }
    }

    /** A named set or map ({@code kind} "set" or "map"), with its elements as nft lists them (a JSON array, or missing). */
    public record NamedSet(String family, String table, String kind, String name, JsonNode elements) {
    }

    /** One object of a table: {@code kind} as nft names it ("chain", "set", "flowtable", "counter"...). */
    public record TableObject(String family, String table, String kind, String name) {
    }

    public boolean hasTable(String family, String name) {
        return table(family, name).isPresent();
    }

    /** The table {@code family name}, if the ruleset has it. */
    public Optional<Table> table(String family, String name) {
        return tables.stream().filter(t -> t.family().equals(family) && t.name().equals(name)).reduce((a, b) -> b);
    }

    /** What the table {@code family name} holds besides rules, as "kind name" ("chain INPUT", "set x"). */
    public List<String> objects(String family, String name) {
        return objects.stream().filter(o -> o.family().equals(family) && o.table().equals(name))
                .map(o -> o.kind() + " " + o.name()).toList();
    }
}
