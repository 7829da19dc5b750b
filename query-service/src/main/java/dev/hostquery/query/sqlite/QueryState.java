package dev.hostquery.query.sqlite;

/**
 * What the SQLite callbacks of one running query share with the thread that runs it: the deadline, and the
 * reasons for a failure that SQLite itself only reports as a generic error. Set as a thread-local by
 * {@link SqliteConnection} around every prepare and step; callbacks run on that same thread.
 */
final class QueryState {
    static final ThreadLocal<QueryState> CURRENT = new ThreadLocal<>();

    final long deadlineNanos;
    /** The time limit in milliseconds, for messages. */
    final long timeoutMillis;

    /** Why xBestIndex refused a plan (a required column without a constraint); last one wins. */
    String refusal;
    /** What the authorizer denied, e.g. "INSERT". */
    String denied;
    /** The limit that stopped the query. */
    Limit violated;
    /** The failure a table's generator threw, and the table's name. */
    Throwable tableFailure;
    String failedTable;

    enum Limit { TIME, ROWS, BYTES, MEMORY }

    QueryState(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
        this.deadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
    }

    boolean expired() {
        return System.nanoTime() - deadlineNanos > 0;
    }

    long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }
}
