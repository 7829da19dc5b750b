package dev.hostquery.api;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;

/**
 * Fills one row of a table by column name, checking each value against the column's declared type, and
 * hands it to a {@link RowSink}. Not thread-safe; reuse one per scan.
 */
public final class RowBuilder {
    private final TableSpec table;
    private final Map<String, Integer> positions = new HashMap<>();
    private Object[] row;

    public RowBuilder(TableSpec table) {
        this.table = requireNonNull(table, "table is null");
        for (int i = 0; i < table.columns().size(); i++) {
            positions.put(table.columns().get(i).name(), i);
        }
        this.row = new Object[table.columns().size()];
    }

    /**
     * Sets a column's value; null means unknown.
     *
     * @throws IllegalArgumentException when the column does not exist or the value does not fit its type
     */
    public RowBuilder set(String column, Object value) {
        Integer i = positions.get(column);
        if (i == null) {
            throw new IllegalArgumentException("table '" + table.name() + "' has no column '" + column + "'");
        }
        row[i] = value == null ? null : coerce(table.columns().get(i), value);
        return this;
    }

    /** The value set so far for a column. */
    public Object get(String column) {
        Integer i = positions.get(column);
        return i == null ? null : row[i];
    }

    /** Returns the row and starts a new, empty one. */
    public Object[] build() {
        Object[] done = row;
        row = new Object[done.length];
        return done;
    }

    /** Sends the row to the sink and starts a new, empty one. Returns what the sink returned. */
    public boolean emit(RowSink sink) {
        return sink.accept(build());
    }

    private Object coerce(ColumnSpec column, Object value) {
        ColumnType type = column.type();
        Object result = switch (type) {
            case INTEGER, BIGINT, UNSIGNED_BIGINT -> switch (value) {
                case Long l -> l;
                case Integer n -> n.longValue();
                case Short n -> n.longValue();
                case Byte n -> n.longValue();
                case Boolean b -> b ? 1L : 0L;
                default -> null;
            };
            case DOUBLE -> value instanceof Number n ? n.doubleValue() : null;
            case TEXT -> value instanceof String s ? s : null;
            case BLOB -> value instanceof byte[] ? value : null;
        };
        if (result == null) {
            throw new IllegalArgumentException("column '" + table.name() + "." + column.name() + "' is "
                    + type.sqlName() + " but got " + value.getClass().getSimpleName() + " " + value);
        }
        return result;
    }
}
