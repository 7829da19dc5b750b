package dev.hostquery.query.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.Constraint;
import dev.hostquery.api.InvalidConstraintException;
import dev.hostquery.api.Operator;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class QueryEngineTest {
    static final GeneratedTable GENERATED = new GeneratedTable(2_000);
    static final EchoTable ECHO = new EchoTable();
    static final EndlessTable ENDLESS = new EndlessTable();
    /** SQLite's heap limit is process-wide: every engine of this class sets the same one. */
    static final long HEAP_LIMIT = 256L << 20;
    static QueryEngine engine;

    @BeforeAll
    static void start() {
        engine = new QueryEngine(List.of(GENERATED, ECHO, ENDLESS), 3, new QueryLimits(2_000, 100_000, 64 << 20), HEAP_LIMIT);
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static QueryResult q(String sql) {
        return engine.query(sql, QueryLimits.NONE_REQUESTED);
    }

    @Test
    void scansWithTypedColumns() {
        QueryResult r = q("SELECT id, grp, name, score, data, id * 2 AS twice, 'x' AS lit FROM generated WHERE id = 5");
        assertThat(r.columns()).extracting(ResultColumn::name).containsExactly("id", "grp", "name", "score", "data", "twice", "lit");
        assertThat(r.columns()).extracting(ResultColumn::type)
                .containsExactly("BIGINT", "INTEGER", "TEXT", "DOUBLE", "BLOB", "INTEGER", "TEXT");
        assertThat(r.rows()).hasSize(1);
        assertThat(r.rows().getFirst()[0]).isEqualTo(5L);
        assertThat(r.rows().getFirst()[4]).isEqualTo(new byte[] {5, 0});
    }

    @Test
    void pushesEqualityAndInListsDown() {
        GENERATED.contexts.clear();
        assertThat(q("SELECT id FROM generated WHERE id IN (3, 9, 11) ORDER BY id").rows())
                .extracting(row -> row[0]).containsExactly(3L, 9L, 11L);
        assertThat(GENERATED.contexts).hasSize(1);
        Constraint in = GENERATED.contexts.getFirst().constraints().getFirst();
        assertThat(in.operator()).isEqualTo(Operator.IN);
        assertThat(in.values()).containsExactlyInAnyOrder(3L, 9L, 11L);
    }

    @Test
    void pushesJoinAndSubqueryConstraintsDown() {
        GENERATED.contexts.clear();
        GENERATED.generated.set(0);
        QueryResult r = q("SELECT g.id, e.value FROM echo e JOIN generated g ON g.id = e.value WHERE e.value IN (4, 8)");
        assertThat(r.rows()).extracting(row -> row[0]).containsExactlyInAnyOrder(4L, 8L);
        assertThat(GENERATED.generated.get()).isEqualTo(2);
        GENERATED.generated.set(0);
        r = q("SELECT id FROM generated WHERE id IN (SELECT value FROM json_each('[1, 2, 3]'))");
        assertThat(r.rows()).hasSize(3);
        assertThat(GENERATED.generated.get()).isEqualTo(3);
    }

    @Test
    void bindsParametersAndPushesThemDown() {
        GENERATED.generated.set(0);
        for (long id : new long[] {5, 6}) {
            assertThat(engine.query("SELECT id FROM generated WHERE id = ?1", QueryLimits.NONE_REQUESTED, id).rows())
                    .extracting(row -> row[0]).containsExactly(id);
        }
        assertThat(GENERATED.generated.get()).isEqualTo(2);
        try (QueryEngine one = new QueryEngine(List.of(ECHO), 1, new QueryLimits(2_000, 100, 1 << 20), HEAP_LIMIT)) {
            assertThat(one.query("SELECT ?1 || ?2", QueryLimits.NONE_REQUESTED, "a", 7L).rows().getFirst()[0]).isEqualTo("a7");
            assertThat(one.query("SELECT ?1 || ?2", QueryLimits.NONE_REQUESTED).rows().getFirst()[0])
                    .as("the one connection's cached statement has its values cleared between uses").isNull();
        }
        assertThatThrownBy(() -> engine.query("SELECT 1", QueryLimits.NONE_REQUESTED, 1L))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    @Test
    void refusesRequiredTableWithoutConstraint() {
        assertThatThrownBy(() -> q("SELECT * FROM echo"))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REQUIRED_CONSTRAINT);
                    assertThat(e.getMessage()).contains("'echo'", "value");
                });
        assertThat(q("SELECT * FROM echo WHERE value = 'a'").rows()).hasSize(1);
    }

    @Test
    void hiddenColumnsStayOutOfSelectStar() {
        QueryResult r = q("SELECT * FROM generated LIMIT 1");
        assertThat(r.columns()).extracting(ResultColumn::name).doesNotContain("secret");
        assertThat(q("SELECT secret FROM generated WHERE id = 1").rows().getFirst()[0]).isEqualTo("s1");
    }

    @Test
    void limitStopsGenerationEarly() {
        ENDLESS.produced.set(0);
        assertThat(q("SELECT n FROM endless LIMIT 5").rows()).hasSize(5);
        assertThat(ENDLESS.produced.get()).isLessThan(1_000);
    }

    @Test
    void refusesWritesAttachAndStateChangingPragmas() {
        for (String sql : List.of("CREATE TABLE t(a)", "ATTACH DATABASE '/tmp/x.db' AS x", "PRAGMA journal_mode=WAL",
                "SELECT load_extension('libfoo')", "INSERT INTO generated(id) VALUES (1)", "DROP TABLE generated")) {
            assertThatThrownBy(() -> q(sql)).as(sql).isInstanceOfSatisfying(QueryException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.READ_ONLY));
        }
        assertThat(q("PRAGMA table_info(generated)").rows()).hasSize(5);
    }

    @Test
    void reportsSyntaxErrorsWithPosition() {
        assertThatThrownBy(() -> q("SELECT id FROM generated WHER id = 1"))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SQL_SYNTAX);
                    assertThat(e.getMessage()).contains("syntax error");
                    assertThat(e.position()).isEqualTo(30);
                });
        assertThatThrownBy(() -> q("SELECT * FROM nope")).isInstanceOfSatisfying(QueryException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TABLE));
        assertThatThrownBy(() -> q("SELECT nope FROM generated")).isInstanceOfSatisfying(QueryException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_COLUMN));
        assertThatThrownBy(() -> q("SELECT 1; SELECT 2")).isInstanceOfSatisfying(QueryException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThatThrownBy(() -> q("  ")).isInstanceOfSatisfying(QueryException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    @Test
    void stopsQueriesThatBreakALimit() {
        assertThatThrownBy(() -> engine.query("SELECT n FROM endless", new QueryLimits(200, 0, 0)))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
                    assertThat(e.limit()).isIn("timeout_ms", "max_rows");
                });
        assertThatThrownBy(() -> engine.query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                + "SELECT count(*) FROM c", new QueryLimits(100, 0, 0)))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.limit()).isEqualTo("timeout_ms"));
        assertThatThrownBy(() -> engine.query("SELECT * FROM generated", new QueryLimits(0, 10, 0)))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.limit()).isEqualTo("max_rows"));
        assertThatThrownBy(() -> engine.query("SELECT name FROM generated", new QueryLimits(0, 0, 100)))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.limit()).isEqualTo("max_result_bytes"));
        assertThatThrownBy(() -> q("SELECT length(randomblob(300000000))"))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.code()).isIn(ErrorCode.LIMIT_EXCEEDED, ErrorCode.SQL_ERROR));
        // the engine is still usable afterwards
        assertThat(q("SELECT count(*) FROM generated").rows().getFirst()[0]).isEqualTo(2_000L);
    }

    @Test
    void reportsTableFailuresByKind() {
        assertThatThrownBy(() -> q("SELECT * FROM echo WHERE value = 'bad'"))
                .isInstanceOfSatisfying(QueryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONSTRAINT);
                    assertThat(e.getMessage()).contains("echo", "bad value");
                });
        assertThatThrownBy(() -> q("SELECT * FROM echo WHERE value = 'boom'"))
                .isInstanceOfSatisfying(QueryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TABLE_ERROR));
    }

    @Test
    void runsQueriesConcurrently() throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
            List<Future<Long>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 24; i++) {
                results.add(pool.submit(() -> (Long) q("SELECT sum(id) FROM generated").rows().getFirst()[0]));
            }
            for (Future<Long> f : results) {
                assertThat(f.get()).isEqualTo(2_000L * 2_001 / 2);
            }
        }
    }

    @Test
    void reportsBusyWhenNoConnectionFreesUpInTime() throws Exception {
        try (QueryEngine single = new QueryEngine(List.of(ENDLESS), 1, new QueryLimits(5_000, 1_000, 1 << 20), HEAP_LIMIT);
                ExecutorService pool = Executors.newSingleThreadExecutor()) {
            single.limits();
            Future<?> holder = pool.submit(() -> single.query("SELECT count(*) FROM endless", new QueryLimits(1_500, 0, 0)));
            Thread.sleep(300);
            assertThatThrownBy(() -> single.query("SELECT 1", new QueryLimits(100, 0, 0)))
                    .isInstanceOfSatisfying(QueryException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.BUSY);
                        assertThat(e.getMessage()).contains("1 query connections stayed busy for 100 ms");
                    });
            assertThatThrownBy(holder::get).hasCauseInstanceOf(QueryException.class);
            assertThat(single.query("SELECT 1", QueryLimits.NONE_REQUESTED).rows()).hasSize(1);
        }
    }

    @Test
    void queriesFromManyVirtualThreadsDoNotStarveTheGenerators() throws Exception {
        // a virtual thread waiting for rows inside an upcall pins its carrier; generators must still run
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 4 * Runtime.getRuntime().availableProcessors() + 4; i++) {
                results.add(pool.submit(() -> (Long) engine.query("SELECT count(*) FROM generated",
                        new QueryLimits(20_000, 0, 0)).rows().getFirst()[0]));
            }
            for (Future<Long> f : results) {
                assertThat(f.get()).isEqualTo(2_000L);
            }
        }
    }

    /** Returns the values of its required column: one row per value it is constrained to. */
    public static final class EchoTable implements Table {
        static final TableSpec SPEC = TableSpec.builder("echo").description("Echoes its constraint.")
                .column("value", ColumnType.TEXT, "the constrained value", ColumnFlag.REQUIRED).build();

        @Override
        public TableSpec spec() {
            return SPEC;
        }

        @Override
        public void generate(QueryContext context, RowSink sink) {
            RowBuilder row = new RowBuilder(SPEC);
            for (String v : context.textEquals("value").orElseThrow(() -> new IllegalStateException("no equality constraint in " + context))) {
                if (v.equals("bad")) {
                    throw new InvalidConstraintException("bad value '" + v + "'");
                }
                if (v.equals("boom")) {
                    throw new IllegalStateException("boom");
                }
                row.set("value", v).emit(sink);
            }
        }
    }

    /** Produces rows until told to stop. */
    public static final class EndlessTable implements Table {
        static final TableSpec SPEC = TableSpec.builder("endless").description("Counts forever.")
                .column("n", ColumnType.BIGINT, "counter").build();
        final AtomicLong produced = new AtomicLong();

        @Override
        public TableSpec spec() {
            return SPEC;
        }

        @Override
        public void generate(QueryContext context, RowSink sink) {
            for (long n = 0; ; n++) {
                produced.incrementAndGet();
                if (!sink.accept(new Object[] {n})) {
                    return;
                }
            }
        }
    }
}
