package dev.hostquery.query.sqlite;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fairness between clients: each client holds at most {@code perClient} of the engine's connections, so one
 * client's slow queries leave the other connections to everyone else, and at most {@code maxInFlight} of its
 * queries hold or wait for one: a client that sends more is told busy at once instead of parking ever more of the
 * service's threads in the line. Entries exist only while a client has queries, so the map is bounded by the
 * queries in flight.
 */
final class ClientShares {
    private final int perClient;
    /** Queries per client that passed {@link #acquire} and did not {@link #release} yet; guarded by itself. */
    private final Map<String, Integer> held = new HashMap<>();
    /** Queries per client holding or waiting for a share; guarded by {@link #held}. */
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final int maxInFlight;

    /** Whether shares apply at all: not when a client may hold every connection anyway. */
    private final boolean bounded;

    /**
     * @param perClient   connections one client holds at once
     * @param connections the engine's connections
     * @param maxInFlight queries one client may have running or waiting; {@link Integer#MAX_VALUE} for no limit
     */
    ClientShares(int perClient, int connections, int maxInFlight) {
        this.perClient = perClient;
        this.bounded = perClient < connections || maxInFlight < Integer.MAX_VALUE;
        this.maxInFlight = maxInFlight;
    }

    /**
     * Waits until the client holds fewer than its share, at most until the query's deadline.
     *
     * @throws QueryException busy at the deadline, cancelled when the query was cancelled meanwhile
     */
    void acquire(String client, boolean internal, QueryState state) {
        if (!bounded) {
            return;
        }
        synchronized (held) {
            if (!internal && inFlight.getOrDefault(client, 0) >= maxInFlight) {
                throw new QueryException(ErrorCode.BUSY, client + " already has " + maxInFlight + " queries running or "
                        + "waiting (hostquery.security.max-queries-per-principal); try again when some have finished");
            }
            inFlight.merge(client, 1, Integer::sum);
            try {
                awaitShare(client, state);
            } catch (QueryException e) {
                inFlight.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
                throw e;
            }
            held.merge(client, 1, Integer::sum);
        }
    }

    /** Waits, holding the monitor of {@link #held}, until the client holds fewer than its share. */
    private void awaitShare(String client, QueryState state) {
        boolean waited = false;
        while (held.getOrDefault(client, 0) >= perClient) {
            waited = true;
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
        if (waited && state.remainingNanos() <= 0) {
            // the share came free just as the time ran out: say so, not that every connection was busy
            throw new QueryException(ErrorCode.BUSY, "this client ran " + perClient + " queries at once "
                    + "(hostquery.query.connections-per-client) until this one's time limit of " + state.timeoutMillis
                    + " ms; try again later");
        }
    }

    void release(String client) {
        if (!bounded) {
            return;
        }
        synchronized (held) {
            held.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
            inFlight.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
            held.notifyAll();
        }
    }
}
