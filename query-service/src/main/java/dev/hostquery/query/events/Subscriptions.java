package dev.hostquery.query.events;

import dev.hostquery.api.TableSpec;
import dev.hostquery.events.framework.EventManager;
import dev.hostquery.events.store.EventStore;
import dev.hostquery.events.tables.EventTable;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.query.catalog.Catalog;
import dev.hostquery.query.sqlite.ErrorCode;
import dev.hostquery.query.sqlite.QueryEngine;
import dev.hostquery.query.sqlite.QueryException;
import dev.hostquery.query.sqlite.QueryLimits;
import dev.hostquery.query.sqlite.QueryResult;
import dev.hostquery.query.sqlite.ResultColumn;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Live subscriptions to an evented table, shared by gRPC {@code Subscribe} and the SSE endpoint.
 *
 * <p>Every subscription reads the store by its own cursor, in ranges of at most {@value #RANGE} events, through
 * SQL ({@code eid > a AND eid <= b AND (filter)}), so each subscriber gets every matching event and a slow one
 * only falls behind: capture never waits for it. When events it still needed have expired, it is told how many
 * it lost and continues from the oldest stored event.
 */
@ApplicationScoped
public class Subscriptions {
    static final int RANGE = 1_000;
    private static final Duration WAIT = Duration.ofMillis(500);

    /** Where a subscription delivers; called on the subscription's thread. */
    public interface Sink {
        /** True once the client went away: the subscription ends. */
        boolean cancelled();

        void header(Plan plan);

        void event(Plan plan, long eid, long time, Object[] values) throws Exception;

        void lost(long count, long resumedAfter) throws Exception;
    }

    /**
     * A validated subscription.
     *
     * @param table   evented table
     * @param filter  SQL expression, or null
     * @param after   eid the stream starts after
     * @param columns   result columns: visible columns, then eid
     * @param principal who subscribes: its roles allowed the table, and its subscriptions are counted
     */
    public record Plan(String table, String filter, long after, List<ResultColumn> columns, String node, String bootId,
            dev.hostquery.query.security.Principal principal) {
    }

    @Inject
    QueryEngine engine;
    @Inject
    Catalog catalog;
    @Inject
    Optional<EventManager> events;
    @Inject
    HostRoot root;
    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Inject
    dev.hostquery.query.config.HostqueryConfig config;

    @Inject
    dev.hostquery.query.security.AuditLog audit;

    /** Live subscriptions by principal name; an entry exists while the principal has one. */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> byPrincipal = new java.util.concurrent.ConcurrentHashMap<>();

    private final ExecutorService threads = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("hostquery-subscription-", 0).daemon(true).factory());
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Checks a subscription request: a principal whose roles allow subscriptions and the table, an evented table, a
     * filter that is an expression over one event's columns ({@link QueryEngine#checkFilter}), and a cursor that is
     * an eid in range ({@link #after}).
     *
     * @throws QueryException forbidden, unknown_table, bad_request, sql_syntax or unknown_column naming what is wrong
     */
    public Plan plan(dev.hostquery.query.security.Principal principal, String table, String filter, String cursor) {
        if (!principal.events()) {
            throw new QueryException(ErrorCode.FORBIDDEN, "subscriptions need role events or admin (or a role with "
                    + "hostquery.security.roles.<name>.events=true); " + (principal.roles().isEmpty()
                            ? "the principal has no roles" : "the principal's roles are " + new java.util.TreeSet<>(principal.roles())));
        }
        EventStore store = events.map(EventManager::store).orElseThrow(() -> new QueryException(ErrorCode.BAD_REQUEST,
                "event capture is disabled on this host (hostquery.events.enabled=false)"));
        if (table == null || table.isBlank()) {
            throw new QueryException(ErrorCode.BAD_REQUEST, "name the evented table to subscribe to, e.g. file_events");
        }
        TableSpec spec = catalog.find(table).orElseThrow(() -> new QueryException(ErrorCode.UNKNOWN_TABLE,
                "no table named '" + table + "'"));
        if (!spec.evented() || !store.tables().contains(spec.name())) {
            throw new QueryException(ErrorCode.BAD_REQUEST, "'" + spec.name() + "' is not an evented table; subscribe to one of "
                    + store.tables());
        }
        String denial = principal.access().tableDenial(spec);
        if (denial != null) {
            throw new QueryException(ErrorCode.FORBIDDEN, denial);
        }
        String where = filter == null || filter.isBlank() ? null : filter;
        List<ResultColumn> columns = where == null
                ? engine.query("SELECT *, eid FROM " + spec.name() + " WHERE eid < '0'", QueryLimits.NONE_REQUESTED,
                        dev.hostquery.query.sqlite.Caller.subscription(principal.access())).columns()
                : engine.checkFilter(spec.name(), where, principal.access());
        EventStore.TableStats stats = store.stats(spec.name());
        long after = after(spec.name(), cursor, stats.firstEid(), stats.lastEid());
        String node = root.value("/proc/sys/kernel/hostname").orElse("");
        String bootId = root.value("/proc/sys/kernel/random/boot_id").orElse("");
        return new Plan(spec.name(), where, after, columns, node, bootId, principal);
    }

    /**
     * The eid a subscription starts after, from the client's cursor: none (blank) for new events only, {@code 0}
     * for the oldest stored event, else the eid of the last event the client received.
     *
     * @param firstEid the oldest stored event's eid, 0 when the table is empty
     * @param lastEid  the newest event's eid ever stored, 0 when none
     * @return an eid in [0, lastEid]
     * @throws QueryException bad_request for a cursor that is not a number, negative, or past {@code lastEid}
     */
    static long after(String table, String cursor, long firstEid, long lastEid) {
        if (cursor == null || cursor.isBlank()) {
            return lastEid;
        }
        if (cursor.strip().equals("0")) {
            return firstEid > 0 ? firstEid - 1 : lastEid;
        }
        long after;
        try {
            after = Long.parseLong(cursor.strip());
        } catch (NumberFormatException e) {
            throw new QueryException(ErrorCode.BAD_REQUEST, "cursor must be an event id (the eid of the last event received), got '"
                    + abbreviate(cursor) + "'");
        }
        if (after < 0) {
            throw new QueryException(ErrorCode.BAD_REQUEST, "cursor must not be negative, got " + after);
        }
        if (after > lastEid) {
            throw new QueryException(ErrorCode.BAD_REQUEST, "cursor " + after + " is past the newest event of " + table
                    + " (" + lastEid + "); resume with an eid you received, 0 for the oldest stored event, or none for new "
                    + "events only");
        }
        return after;
    }

    /** A running subscription. */
    public interface Handle {
        /** Ends the subscription at once: its thread is interrupted wherever it waits, and its slot is free. */
        void cancel();
    }

    /**
     * Runs a planned subscription on a thread of its own until the sink is cancelled, {@link Handle#cancel} is
     * called, or the service stops. The slot is taken here and given back when the thread ends.
     *
     * @param transport {@code grpc} or {@code sse}, and the client's address: for the audit log
     * @throws QueryException busy when hostquery.events.max-subscriptions subscriptions run already, or the principal
     *                        holds hostquery.security.max-subscriptions-per-principal
     */
    public Handle start(Plan plan, String transport, String remote, Sink sink, java.util.function.Consumer<Exception> onFailure) {
        int limit = config.events().maxSubscriptions();
        String who = plan.principal().name();
        int perPrincipal = config.security().maxSubscriptionsPerPrincipal();
        if (byPrincipal.merge(who, 1, Integer::sum) > perPrincipal) {
            release(who);
            throw new QueryException(ErrorCode.BUSY, who + " holds " + perPrincipal + " subscriptions already "
                    + "(hostquery.security.max-subscriptions-per-principal); end one first");
        }
        if (running.incrementAndGet() > limit) {
            running.decrementAndGet();
            release(who);
            throw new QueryException(ErrorCode.BUSY, limit + " subscriptions run already (hostquery.events.max-subscriptions); "
                    + "try again later");
        }
        long start = System.nanoTime();
        long[] delivered = {0};
        String[] outcome = {"cancelled"};
        // the slot is given back in done(), which runs exactly once however the task ends: when it returns, throws,
        // or is cancelled, even before it started (a call whose deadline had passed cancels at once)
        java.util.concurrent.FutureTask<Void> task = new java.util.concurrent.FutureTask<>(() -> {
            try {
                run(plan, sink, delivered);
                outcome[0] = "ok";
            } catch (InterruptedException e) {
                outcome[0] = "cancelled"; // the client is gone, nobody to tell
            } catch (Exception e) {
                outcome[0] = e instanceof QueryException q ? q.code().code() : "internal";
                onFailure.accept(e);
            }
            return null;
        }) {
            @Override
            protected void done() {
                running.decrementAndGet();
                release(who);
                audit.subscription(plan.principal(), transport, remote, plan.table(), plan.filter(), delivered[0],
                        System.nanoTime() - start, outcome[0]);
            }
        };
        try {
            threads.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            running.decrementAndGet();
            release(who);
            throw new QueryException(ErrorCode.BUSY, "the service is stopping");
        }
        return () -> task.cancel(true);
    }

    private void release(String principal) {
        byPrincipal.computeIfPresent(principal, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** How many subscriptions run now. */
    public int running() {
        return running.get();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    void run(Plan plan, Sink sink, long[] delivered) throws Exception {
        EventStore store = events.orElseThrow().store();
        io.micrometer.core.instrument.Counter lostCounter = io.micrometer.core.instrument.Counter.builder("hostquery.events.lost")
                .tag("table", plan.table()).description("Events subscribers needed that had expired (reported in their streams)")
                .register(registry);
        sink.header(plan);
        String sql = "SELECT *, eid FROM " + plan.table() + " WHERE eid > ?1 AND eid <= ?2"
                + (plan.filter() == null ? "" : " AND (" + plan.filter() + ")");
        long after = plan.after();
        while (!sink.cancelled() && !Thread.currentThread().isInterrupted()) {
            EventStore.TableStats stats = store.stats(plan.table());
            if (stats.firstEid() > 0 && after + 1 < stats.firstEid()) {
                long lost = stats.firstEid() - 1 - after;
                after = stats.firstEid() - 1;
                lostCounter.increment(lost);
                sink.lost(lost, after);
            }
            if (stats.lastEid() <= after) {
                store.awaitAfter(plan.table(), after, WAIT);
                continue;
            }
            long upto = Math.min(stats.lastEid(), after + RANGE);
            // one SQL text per subscription, the range bound as parameters: the connection's prepared statement is reused
            QueryResult result = engine.queryFiltered(plan.table(), sql, plan.principal().access(), EventTable.eidText(after),
                    EventTable.eidText(upto));
            int eid = plan.columns().size() - 1;
            int time = plan.columns().stream().map(ResultColumn::name).toList().indexOf("time");
            // expiry may have overtaken the read: events of the range older than the first one still stored are gone
            // unless they were read. Without a filter the rest are reported lost; with one, an event not read may
            // simply not have matched, so this rare race goes unreported there.
            long firstNow = store.stats(plan.table()).firstEid();
            long expiredEnd = firstNow == 0 ? upto : Math.min(upto, firstNow - 1);
            long readBelow = result.rows().stream().filter(r -> Long.parseLong((String) r[eid]) <= expiredEnd).count();
            for (Object[] row : result.rows()) {
                if (sink.cancelled()) {
                    return;
                }
                sink.event(plan, Long.parseLong((String) row[eid]), time < 0 || row[time] == null ? 0 : (Long) row[time], row);
                delivered[0]++;
            }
            if (expiredEnd > after && plan.filter() == null && expiredEnd - after > readBelow) {
                lostCounter.increment(expiredEnd - after - readBelow);
                sink.lost(expiredEnd - after - readBelow, expiredEnd);
            }
            after = upto;
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        threads.shutdownNow();
    }
}
