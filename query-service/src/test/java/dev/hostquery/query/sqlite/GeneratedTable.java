package dev.hostquery.query.sqlite;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test table of deterministic pseudo-random rows that honours equality constraints on {@code id} (as a
 * real table would) and counts what it generated, so tests can see pushdown and early stops.
 */
final class GeneratedTable implements Table {
    static final TableSpec SPEC = spec("generated");

    static TableSpec spec(String name) {
        return TableSpec.builder(name)
            .description("Deterministic rows for engine tests.")
            .column("id", ColumnType.BIGINT, "row number", ColumnFlag.INDEX)
            .column("grp", ColumnType.INTEGER, "id modulo 7")
            .column("name", ColumnType.TEXT, "a name, sometimes null")
            .column("score", ColumnType.DOUBLE, "a real number")
            .column("data", ColumnType.BLOB, "bytes")
            .column("secret", ColumnType.TEXT, "hidden", ColumnFlag.HIDDEN)
            .build();
    }

    private final TableSpec spec;
    private final boolean usesConstraints;

    final int rowCount;
    final AtomicInteger generated = new AtomicInteger();
    final List<QueryContext> contexts = new ArrayList<>();

    GeneratedTable(int rowCount) {
        this(SPEC, rowCount, true);
    }

    /** A table of the same rows under another name that may ignore its constraints, as a table is allowed to. */
    GeneratedTable(TableSpec spec, int rowCount, boolean usesConstraints) {
        this.spec = spec;
        this.rowCount = rowCount;
        this.usesConstraints = usesConstraints;
    }

    static List<Object[]> rows(int count) {
        Random random = new Random(42);
        List<Object[]> rows = new ArrayList<>();
        for (long id = 1; id <= count; id++) {
            String name = random.nextInt(10) == 0 ? null : "n" + random.nextInt(50) + (id % 3 == 0 ? "é" : "");
            rows.add(new Object[] {id, id % 7, name, random.nextInt(100_000) / 100.0,
                    new byte[] {(byte) id, (byte) (id >> 8)}, "s" + id});
        }
        return rows;
    }

    @Override
    public TableSpec spec() {
        return spec;
    }

    @Override
    public void generate(QueryContext context, RowSink sink) {
        synchronized (contexts) {
            contexts.add(context);
        }
        Optional<Set<Long>> ids = usesConstraints ? context.integerEquals("id") : Optional.empty();
        RowBuilder row = new RowBuilder(spec);
        for (Object[] values : rows(rowCount)) {
            if (ids.isPresent() && !ids.get().contains((Long) values[0])) {
                continue;
            }
            for (int i = 0; i < values.length; i++) {
                row.set(spec.columns().get(i).name(), values[i]);
            }
            generated.incrementAndGet();
            if (!row.emit(sink)) {
                return;
            }
        }
    }
}
