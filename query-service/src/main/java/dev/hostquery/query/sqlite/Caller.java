package dev.hostquery.query.sqlite;

import static java.util.Objects.requireNonNull;

/**
 * Who runs a query, and how to end it early: what travels with every query into the engine.
 *
 * @param client       the identity the engine shares connections fairly by: the remote address today (REST and
 *                     gRPC), the authenticated principal once there is one; {@code internal:…} for the service's
 *                     own queries
 * @param cancellation ends the query from another thread
 * @param internal     the service's own query (subscription reads, planning): it shares connections like a client but
 *                     is never refused for having too many queries waiting, since what drives it is bounded already
 *                     (hostquery.events.max-subscriptions)
 */
public record Caller(String client, Cancellation cancellation, boolean internal) {
    public Caller {
        requireNonNull(client, "client is null");
        requireNonNull(cancellation, "cancellation is null");
    }

    /** A caller that cannot be cancelled, for the service's own queries ({@code internal:<what>}). */
    public static Caller internal(String what) {
        return new Caller("internal:" + what, new Cancellation(), true);
    }

    /** A client's query, cancellable through the returned caller's {@link #cancellation()}. */
    public static Caller of(String client) {
        return new Caller(client, new Cancellation(), false);
    }
}
