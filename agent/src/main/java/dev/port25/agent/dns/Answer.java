package dev.port25.agent.dns;

import java.util.List;
import java.util.Objects;

/**
 * The answer to one DNS question, as a checker needs it: records, no records (the name or the
 * type does not exist: a fact about the domain), or no answer (timeout, SERVFAIL, REFUSED: a
 * fact about the resolver, which says nothing about the domain).
 *
 * @param status FOUND, NONE or FAILED
 * @param values the records' data when FOUND, sorted (an RRset has no order) (TXT: each record's strings joined, as RFC 7208
 *               3.3 says; MX: the exchange's name, lower case, without the final dot; A/AAAA:
 *               the address)
 * @param detail why NONE or FAILED ("NXDOMAIN", "no TXT record", "no answer within 5 s")
 */
public record Answer(Status status, List<String> values, String detail) {

    public enum Status { FOUND, NONE, FAILED }

    public Answer {
        Objects.requireNonNull(status, "status");
        values = List.copyOf(values);
        Objects.requireNonNull(detail, "detail");
        if ((status == Status.FOUND) == values.isEmpty()) {
            throw new IllegalArgumentException("FOUND needs values, and only FOUND has them");
        }
    }

    public static Answer found(List<String> values) {
        return new Answer(Status.FOUND, values, "");
    }

    public static Answer none(String why) {
        return new Answer(Status.NONE, List.of(), why);
    }

    public static Answer failed(String why) {
        return new Answer(Status.FAILED, List.of(), why);
    }

    /** The values, or none when there are no records. Not to be asked of a FAILED answer. */
    public List<String> valuesOrEmpty() {
        if (status == Status.FAILED) {
            throw new IllegalStateException("no answer: " + detail);
        }
        return values;
    }

    /** One line for evidence: the records, or why there are none. */
    public String describe() {
        return switch (status) {
            case FOUND -> values.size() == 1 ? "\"" + values.get(0) + "\""
                    : values.size() + " records " + values.stream().map(v -> "\"" + v + "\"").toList();
            case NONE -> "none (" + detail + ")";
            case FAILED -> "no answer (" + detail + ")";
        };
    }
}
