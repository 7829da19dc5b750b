package dev.hostquery.query.sqlite;

import static java.util.Objects.requireNonNull;

/**
 * Who runs a query, what they may read, and how to end it early: what travels with every query into the engine.
 *
 * @param client       the identity the engine shares connections fairly by: the authenticated principal's name
 *                     ({@code token:ci}, {@code uid:1000}, …); {@code internal:…} for the service's own queries
 * @param cancellation ends the query from another thread
 * @param internal     the service's own query (subscription reads, planning): it shares connections like a client but
 *                     is never refused for having too many queries waiting, since what drives it is bounded already
 *                     (hostquery.events.max-subscriptions)
 * @param access       what the principal may read, enforced by the SQLite authorizer and the file tables
 * @param transport    how the request came: {@code rest}, {@code grpc}, {@code sse}, or {@code internal}; for the
 *                     audit log
 * @param remote       the client's address (an IP, or {@code unix:<pid>} on the Unix socket); empty when internal
 */
public record Caller(String client, Cancellation cancellation, boolean internal, Access access, String transport,
        String remote) {
    public Caller {
        requireNonNull(client, "client is null");
        requireNonNull(cancellation, "cancellation is null");
        requireNonNull(access, "access is null");
        transport = transport == null ? "" : transport;
        remote = remote == null ? "" : remote;
    }

    /** A caller that cannot be cancelled and reads everything, for the service's own queries ({@code internal:<what>}). */
    public static Caller internal(String what) {
        return new Caller("internal:" + what, new Cancellation(), true, Access.ALL, "internal", "");
    }

    /**
     * A subscription's reads: the service's own (bounded by hostquery.events.max-subscriptions, never refused for
     * waiting), but held to what the subscriber may read.
     */
    public static Caller subscription(Access access) {
        return new Caller("internal:subscriptions", new Cancellation(), true, access, "internal", "");
    }

    /** An in-process client's query that may read everything, cancellable through {@link #cancellation()}. */
    public static Caller of(String client) {
        return new Caller(client, new Cancellation(), false, Access.ALL, "in-process", "");
    }

    /** A remote principal's query, cancellable through the returned caller's {@link #cancellation()}. */
    public static Caller of(String principal, Access access, String transport, String remote) {
        return new Caller(principal, new Cancellation(), false, access, transport, remote);
    }
}
