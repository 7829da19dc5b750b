package dev.hostquery.api;

/**
 * Thrown by {@link QueryContext#checkCancelled()} once the query a scan belongs to has ended: its deadline
 * passed, its client went away or cancelled it, or SQLite needs no more rows. A table lets it propagate; the
 * engine already knows why the query ended and reports that, not this exception.
 */
public final class QueryCancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QueryCancelledException(String table) {
        super("the scan of table '" + table + "' was cancelled: its query ended");
    }
}
