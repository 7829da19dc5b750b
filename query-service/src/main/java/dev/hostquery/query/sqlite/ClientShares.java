package dev.hostquery.query.sqlite;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fairness between clients: each client holds (or waits for) at most {@code perClient} of the engine's
 * connections, so one client's slow queries leave the other connections to everyone else. Entries exist only
 * while a client has queries, so the map is bounded by the queries in flight.
 */
final class ClientShares {
    private final int perClient;
    /** Queries per client that passed {@link #acquire} and did not {@link #release} yet; guarded by itself. */
    private final Map<String, Integer> held = new HashMap<>();

    /** Whether shares apply at all: not when a client may hold every connection anyway. */
    private final boolean bounded;

    ClientShares(int perClient, int connections) {
        this.perClient = perClient;
        this.bounded = perClient < connections;
    }

    /**
     * Waits until the client holds fewer than its share, at most until the query's deadline.
     *
     * @throws QueryException busy at the deadline, cancelled when the query was cancelled meanwhile
     */
    void acquire(String client, QueryState state) {
        if (!bounded) {
            return;
        }
        synchronized (held) {
            while (held.getOrDefault(client, 0) >= perClient) {
                if (state.cancellation.isCancelled()) {
                    throw new QueryException(ErrorCode.CANCELLED, "the query was cancelled while it waited: "
                            + state.cancellation.reason());
                }
                long left = state.remainingNanos();
                if (left <= 0) {
                    throw new QueryException(ErrorCode.BUSY, "this client already runs " + perClient + " queries at once "
                            + "(hostquery.query.connections-per-client) and none finished within " + state.timeoutMillis
                            + " ms; try again later");
                }
                try {
                    held.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new QueryException(ErrorCode.CANCELLED, "interrupted while waiting for a connection");
                }
            }
            held.merge(client, 1, Integer::sum);
        }
    }

    void release(String client) {
        if (!bounded) {
            return;
        }
        synchronized (held) {
            held.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
            held.notifyAll();
        }
    }
}
