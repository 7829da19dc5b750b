package dev.hostquery.query.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a hostile query must not be able to do to the engine: outlive its deadline or its cancellation, hold
 * threads without bound, read SQLite's own tables, or break out of a subscription filter.
 */
class EngineAbuseTest {
    static final BusyTable BUSY = new BusyTable();
    static final QueryEngineTest.EndlessTable ENDLESS = new QueryEngineTest.EndlessTable();
    static QueryEngine engine;

    @BeforeAll
    static void start() {
        engine = new QueryEngine(List.of(BUSY, ENDLESS, new SomeEvents()), new QueryLimits(5_000, 100_000, 64 << 20),
                new EngineSettings(3, QueryEngineTest.HEAP_LIMIT, 32 << 20, 2, 0, 2, 6));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void workBetweenRowsEndsWithTheDeadline() throws Exception {
        BUSY.running.set(0);
        assertThatThrownBy(() -> engine.query("SELECT * FROM busy", new QueryLimits(300, 0, 0)))
                .isInstanceOf(QueryException.class).extracting(e -> ((QueryException) e).limit()).isEqualTo("timeout_ms");
        awaitNoBusyScans();
    }

    @Test
    void aCancelledQueryStopsAtOnceAndItsTableToo() throws Exception {
        BUSY.running.set(0);
        Caller caller = Caller.of("test");
        Cancellation cancellation = caller.cancellation();
        CompletableFuture<QueryResult> result = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> complete(result, () -> engine.query("SELECT * FROM busy", QueryLimits.NONE_REQUESTED, caller)));
        BUSY.started.await(5, TimeUnit.SECONDS);
        cancellation.cancel("the test cancelled it");
        assertThatThrownBy(() -> result.get(3, TimeUnit.SECONDS)).hasCauseInstanceOf(QueryException.class)
                .cause().satisfies(e -> assertThat(((QueryException) e).code()).isEqualTo(ErrorCode.CANCELLED))
                .hasMessageContaining("the test cancelled it");
        awaitNoBusyScans();
        // a query that runs in SQLite alone (no table) is interrupted too
        Caller second = Caller.of("test");
        CompletableFuture<QueryResult> counting = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> complete(counting, () -> engine.query(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
                QueryLimits.NONE_REQUESTED, second)));
        Thread.sleep(200);
        second.cancellation().cancel("enough");
        assertThatThrownBy(() -> counting.get(3, TimeUnit.SECONDS)).hasCauseInstanceOf(QueryException.class);
    }

    @Test
    void tableThreadsAreBounded() throws Exception {
        BUSY.running.set(0);
        // two table threads and no queue: a third concurrent scan is refused as busy instead of adding a thread
        Thread a = Thread.ofPlatform().start(() -> swallow(() -> engine.query("SELECT * FROM busy", new QueryLimits(1_500, 0, 0),
                Caller.of("a"))));
        Thread b = Thread.ofPlatform().start(() -> swallow(() -> engine.query("SELECT * FROM busy", new QueryLimits(1_500, 0, 0),
                Caller.of("b"))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (BUSY.running.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThatThrownBy(() -> engine.query("SELECT n FROM endless LIMIT 1", QueryLimits.NONE_REQUESTED, Caller.of("c")))
                .isInstanceOf(QueryException.class).satisfies(e -> assertThat(((QueryException) e).code()).isEqualTo(ErrorCode.BUSY))
                .hasMessageContaining("hostquery.query.table-threads");
        a.join(10_000);
        b.join(10_000);
        awaitNoBusyScans();
        // the two threads come back to the pool a moment after their scans returned (a SynchronousQueue hands work
        // only to a thread that is waiting for it): the engine serves again within a few seconds, not at once
        long back = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        QueryResult again = null;
        while (again == null) {
            try {
                again = engine.query("SELECT n FROM endless LIMIT 1", QueryLimits.NONE_REQUESTED);
            } catch (QueryException e) {
                if (e.code() != ErrorCode.BUSY || System.nanoTime() > back) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
        assertThat(again.rows()).hasSize(1);
    }

    @Test
    void oneClientsSlowQueriesLeaveConnectionsToTheOthers() throws Exception {
        String slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
        List<Thread> greedy = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) { // three connections in all, two per client: the third slow query waits
            greedy.add(Thread.ofPlatform().start(() -> swallow(() -> engine.query(slow, new QueryLimits(1_500, 0, 0),
                    Caller.of("greedy")))));
        }
        Thread.sleep(300);
        long start = System.nanoTime();
        assertThat(engine.query("SELECT 1", new QueryLimits(1_000, 0, 0), Caller.of("polite")).rows()).hasSize(1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("the polite client waited for the greedy one")
                .isLessThan(1_000);
        for (Thread t : greedy) {
            t.join(10_000);
        }
    }

    @Test
    void oneQueryCannotTakeTheWholeHeap() throws Exception {
        // 100 MB of distinct blobs: past the 32 MiB share long before the 256 MiB heap limit
        String hog = "SELECT count(*) FROM (SELECT DISTINCT randomblob(1000) FROM (WITH RECURSIVE c(x) AS "
                + "(SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000) SELECT x FROM c))";
        assertThatThrownBy(() -> engine.query(hog, QueryLimits.NONE_REQUESTED, Caller.of("hog")))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.limit()).isEqualTo("memory");
                    assertThat(e.getMessage()).contains("hostquery.query.memory-per-query");
                });
        // a query within its share runs
        assertThat(engine.query(hog.replace("100000", "5000"), QueryLimits.NONE_REQUESTED).rows().getFirst()[0]).isEqualTo(5000L);
    }

    @Test
    void sqliteOwnTablesAndTableValuedPragmasAreRefused() {
        for (String sql : List.of("SELECT sql FROM sqlite_stmt", "SELECT count(*) FROM sqlite_stmt", "SELECT * FROM pragma_journal_mode",
                "SELECT * FROM pragma_table_info('endless')", "SELECT * FROM sqlite_dbpage", "SELECT fts3_tokenizer('simple')",
                "SELECT load_extension('x')")) {
            assertThatThrownBy(() -> engine.query(sql, QueryLimits.NONE_REQUESTED)).as(sql).isInstanceOf(QueryException.class)
                    .satisfies(e -> assertThat(((QueryException) e).code()).as(sql).isIn(ErrorCode.READ_ONLY, ErrorCode.UNKNOWN_TABLE));
        }
        assertThatThrownBy(() -> engine.query("SELECT sql FROM sqlite_stmt", QueryLimits.NONE_REQUESTED))
                .satisfies(e -> assertThat(((QueryException) e).code()).isEqualTo(ErrorCode.READ_ONLY));
        // what queries legitimately use still works
        assertThat(engine.query("WITH t(x) AS (SELECT 1) SELECT x FROM t", QueryLimits.NONE_REQUESTED).rows()).hasSize(1);
        assertThat(engine.query("SELECT value FROM json_each('[1,2]')", QueryLimits.NONE_REQUESTED).rows()).hasSize(2);
        assertThat(engine.query("PRAGMA table_info(endless)", QueryLimits.NONE_REQUESTED).rows()).hasSize(1);
        assertThat(engine.query("SELECT count(*) FROM (SELECT n FROM endless LIMIT 3)", QueryLimits.NONE_REQUESTED).rows()).hasSize(1);
        assertThat(engine.query("SELECT upper(name) FROM sqlite_master", QueryLimits.NONE_REQUESTED).rows()).isEmpty();
    }

    @Test
    void filtersCannotLeaveTheirExpression() {
        for (String filter : List.of("1) OR (1", "1) UNION SELECT 1, 2 FROM endless --", "1 --", "1 /* x */", "1; SELECT 1",
                "n IN (SELECT n FROM endless)", "(SELECT 1) = 1", "EXISTS (SELECT 1)", "n = (1", "'unterminated",
                "1) UNION SELECT * FROM sqlite_master WHERE (1")) {
            assertThatThrownBy(() -> engine.checkFilter("some_events", filter, dev.hostquery.query.sqlite.Access.ALL)).as(filter).isInstanceOf(QueryException.class)
                    .satisfies(e -> assertThat(((QueryException) e).code()).as(filter).isEqualTo(ErrorCode.BAD_REQUEST));
        }
        assertThat(engine.checkFilter("some_events", "n > 3 AND (what = 'x' OR what LIKE '%)--%') AND \"what\" != ')'",
                dev.hostquery.query.sqlite.Access.ALL))
                .extracting(ResultColumn::name).containsExactly("time", "n", "what", "eid");
        assertThatThrownBy(() -> engine.checkFilter("some_events", "nope = 1", dev.hostquery.query.sqlite.Access.ALL))
                .satisfies(e -> assertThat(((QueryException) e).code()).isEqualTo(ErrorCode.UNKNOWN_COLUMN));
    }

    private static void awaitNoBusyScans() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (BUSY.running.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(BUSY.running.get()).as("scans of 'busy' still running after their query ended").isZero();
    }

    private static <T> void complete(CompletableFuture<T> future, java.util.function.Supplier<T> work) {
        try {
            future.complete(work.get());
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
    }

    private static void swallow(Runnable r) {
        try {
            r.run();
        } catch (QueryException e) {
            // the deadline ends it: expected
        }
    }

    /** Works forever between rows (a walk that never finds a match), checking the cancellation as tables must. */
    static final class BusyTable implements Table {
        static final TableSpec SPEC = TableSpec.builder("busy").description("Never finds a row.")
                .column("x", ColumnType.BIGINT, "nothing").build();
        final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
        final CountDownLatch started = new CountDownLatch(1);

        @Override
        public TableSpec spec() {
            return SPEC;
        }

        @Override
        public void generate(QueryContext context, RowSink sink) {
            running.incrementAndGet();
            started.countDown();
            try {
                while (true) {
                    context.checkCancelled();
                    Thread.onSpinWait();
                }
            } finally {
                running.decrementAndGet();
            }
        }
    }

    /** An evented table with a text column, for filters. */
    public static final class SomeEvents implements Table {
        static final TableSpec SPEC = TableSpec.builder("some_events").description("Events for filters.").evented()
                .column("time", ColumnType.BIGINT, "time").column("n", ColumnType.BIGINT, "a number")
                .column("what", ColumnType.TEXT, "a text")
                .column("eid", ColumnType.TEXT, "event id", dev.hostquery.api.ColumnFlag.HIDDEN).build();
        final AtomicBoolean read = new AtomicBoolean();

        @Override
        public TableSpec spec() {
            return SPEC;
        }

        @Override
        public void generate(QueryContext context, RowSink sink) {
            read.set(true);
        }
    }
}
