package dev.hostquery.query.sqlite;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The fuzz tests' tables: a counted one, and the engine tests' echo, endless and evented ones. */
public final class TestTables {
    /** Scans of {@code generated} so far: a filter that reads it has escaped its table. */
    public static final AtomicLong GENERATED_SCANS = new AtomicLong();

    private TestTables() {
    }

    /** An engine over {@code generated}, {@code echo}, {@code endless} and {@code some_events}, 2 connections. */
    public static QueryEngine engine(QueryLimits limits) {
        return new QueryEngine(List.of(new Counted(), new QueryEngineTest.EchoTable(), new QueryEngineTest.EndlessTable(),
                new EngineAbuseTest.SomeEvents()), 2, limits, QueryEngineTest.HEAP_LIMIT);
    }

    static final class Counted implements Table {
        static final TableSpec SPEC = TableSpec.builder("generated").description("100 numbered rows.")
                .column("id", ColumnType.BIGINT, "row number", ColumnFlag.INDEX).column("name", ColumnType.TEXT, "a name").build();

        @Override
        public TableSpec spec() {
            return SPEC;
        }

        @Override
        public void generate(QueryContext context, RowSink sink) {
            GENERATED_SCANS.incrementAndGet();
            for (long i = 1; i <= 100; i++) {
                if (!sink.accept(new Object[] {i, "row " + i})) {
                    return;
                }
            }
        }
    }
}
