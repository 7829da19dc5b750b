package dev.hostquery.query.sqlite;

import java.util.List;

/** Receives a query's result as SQLite produces it, on the thread that runs the query. */
public interface ResultHandler {
    /** Called once, before the first row (also when there are no rows). */
    void columns(List<ResultColumn> columns);

    /**
     * One row: a {@link Long}, {@link Double}, {@link String}, {@code byte[]} or null per column.
     *
     * @return false to stop the query early (the client went away)
     */
    boolean row(Object[] values);
}
