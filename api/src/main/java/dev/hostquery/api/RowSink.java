package dev.hostquery.api;

/** Where a table writes its rows, one at a time, as it produces them. */
@FunctionalInterface
public interface RowSink {
    /**
     * Takes one row.
     *
     * @param row one value per declared column, in declaration order; typed as {@link ColumnType} says; the
     *            sink owns the array afterwards
     * @return false when the consumer wants no more rows (a LIMIT was reached, the query was cancelled or
     *         failed): the table should return promptly
     */
    boolean accept(Object[] row);
}
