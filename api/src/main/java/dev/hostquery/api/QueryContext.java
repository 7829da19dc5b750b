package dev.hostquery.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * What a table receives for one scan: the constraints SQLite pushed down and the columns the query uses.
 *
 * <p>The contract, as in Trino's SPI: a table may use any constraint to produce fewer rows, and may leave
 * columns the query does not use as null; SQLite re-checks every constraint on the rows it gets back.
 *
 * <p>A scan ends with its query: when the deadline passes, the client goes away or SQLite needs no more rows,
 * {@link #cancelled()} turns true. Rows written after that are refused by the sink; a table whose work between
 * two rows can be long (a directory walk, hashing a large file, expanding a pattern) calls
 * {@link #checkCancelled()} in that loop, so that no work outlives its query.
 */
public final class QueryContext {
    private final TableSpec table;
    private final List<Constraint> constraints;
    private final BitSet usedColumns;
    private final BooleanSupplier cancelled;
    private final PathAccess paths;

    /**
     * Which paths the principal running the query may read through a {@link Sensitivity#PATHS} table.
     */
    @FunctionalInterface
    public interface PathAccess {
        /** Every path: the principal may read sensitive tables. */
        PathAccess ALL = path -> null;

        /**
         * Null when the principal may read {@code path} (absolute, normalized), else why not: a message that names
         * the path and the role that would allow it.
         */
        String denial(String path);
    }

    /** A context that is never cancelled, for tests and in-process callers that read a table whole. */
    public QueryContext(TableSpec table, List<Constraint> constraints, BitSet usedColumns) {
        this(table, constraints, usedColumns, () -> false);
    }

    /**
     * @param table       the table being scanned
     * @param constraints pushed-down constraints
     * @param usedColumns positions of the columns the query reads; null means all
     * @param cancelled   true once the scan's query has ended; cheap, called in tables' inner loops
     */
    public QueryContext(TableSpec table, List<Constraint> constraints, BitSet usedColumns, BooleanSupplier cancelled) {
        this(table, constraints, usedColumns, cancelled, PathAccess.ALL);
    }

    /**
     * @param paths which paths the query's principal may read, checked by {@link #checkPath}
     */
    public QueryContext(TableSpec table, List<Constraint> constraints, BitSet usedColumns, BooleanSupplier cancelled,
            PathAccess paths) {
        this.paths = requireNonNull(paths, "paths is null");
        this.table = requireNonNull(table, "table is null");
        this.constraints = List.copyOf(requireNonNull(constraints, "constraints is null"));
        this.usedColumns = usedColumns == null ? null : (BitSet) usedColumns.clone();
        this.cancelled = requireNonNull(cancelled, "cancelled is null");
    }

    /** True once the query this scan belongs to has ended (deadline, cancellation, disconnect, LIMIT reached). */
    public boolean cancelled() {
        return cancelled.getAsBoolean();
    }

    /**
     * Returns normally while the query runs.
     *
     * @throws QueryCancelledException once it has ended; let it propagate out of {@link Table#generate}
     */
    public void checkCancelled() {
        if (cancelled.getAsBoolean()) {
            throw new QueryCancelledException(table.name());
        }
    }

    /**
     * Returns normally when the query's principal may read {@code path}; a {@link Sensitivity#PATHS} table calls it
     * for every path before it reads the file.
     *
     * @param path an absolute, normalized path on the host (as the row's path column shows it)
     * @throws PermissionDeniedException naming the path and the role that would allow it; let it propagate out of
     *                                   {@link Table#generate}
     */
    public void checkPath(String path) {
        String denial = paths.denial(path);
        if (denial != null) {
            throw new PermissionDeniedException(denial);
        }
    }

    /**
     * Whether {@link #checkPath} can refuse anything: false for a principal that may read every path, so that a
     * table can skip the work of finding where a path's links lead.
     */
    public boolean pathsRestricted() {
        return paths != PathAccess.ALL;
    }

    /** A context with no constraints that uses every column. */
    public static QueryContext all(TableSpec table) {
        return new QueryContext(table, List.of(), null);
    }

    public TableSpec table() {
        return table;
    }

    public List<Constraint> constraints() {
        return constraints;
    }

    public List<Constraint> constraints(String column) {
        List<Constraint> result = new ArrayList<>();
        for (Constraint c : constraints) {
            if (c.column().equals(column)) {
                result.add(c);
            }
        }
        return result;
    }

    /** True when the query reads the column (or the engine did not say which columns it reads). */
    public boolean isUsed(String column) {
        if (usedColumns == null) {
            return true;
        }
        int i = table.indexOf(column);
        return i >= 0 && usedColumns.get(i);
    }

    /**
     * The values the column must equal, from its {@code =} and {@code IN} constraints (intersected when there
     * are several), as text; empty when the column has no such constraint. A null value matches nothing.
     */
    public Optional<Set<String>> textEquals(String column) {
        return equalsAs(column, v -> v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : v.toString());
    }

    /**
     * The values the column must equal, as integers; text that is not an integer is dropped, since it cannot
     * equal an integer column's value. Empty when the column has no {@code =} or {@code IN} constraint.
     */
    public Optional<Set<Long>> integerEquals(String column) {
        return equalsAs(column, v -> switch (v) {
            case Long l -> l;
            case Double d when d == Math.rint(d) -> d.longValue();
            case String s -> {
                try {
                    yield Long.parseLong(s.trim());
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
            default -> null;
        });
    }

    /** The right-hand patterns of the column's {@code LIKE} constraints. */
    public List<String> likePatterns(String column) {
        List<String> result = new ArrayList<>();
        for (Constraint c : constraints(column)) {
            if (c.operator() == Operator.LIKE && c.value() != null) {
                result.add(c.value().toString());
            }
        }
        return result;
    }

    private <T> Optional<Set<T>> equalsAs(String column, Function<Object, T> convert) {
        Set<T> result = null;
        for (Constraint c : constraints(column)) {
            if (c.operator() != Operator.EQ && c.operator() != Operator.IN) {
                continue;
            }
            Set<T> values = new LinkedHashSet<>();
            for (Object v : c.values()) {
                T converted = v == null ? null : convert.apply(v);
                if (converted != null) {
                    values.add(converted);
                }
            }
            if (result == null) {
                result = values;
            } else {
                result.retainAll(values);
            }
        }
        return Optional.ofNullable(result);
    }

    @Override
    public String toString() {
        return table.name() + constraints;
    }
}
