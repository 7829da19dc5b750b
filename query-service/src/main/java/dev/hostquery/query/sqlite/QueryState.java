package dev.hostquery.query.sqlite;

import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * What the SQLite callbacks of one running query share with the thread that runs it: the deadline, the
 * cancellation, what the authorizer allows, and the reasons for a failure that SQLite itself only reports as a
 * generic error. Set as a thread-local by {@link QueryEngine} around every prepare and step; callbacks run on
 * that same thread.
 */
final class QueryState {
    static final ThreadLocal<QueryState> CURRENT = new ThreadLocal<>();

    final long deadlineNanos;
    /** The time limit in milliseconds, for messages. */
    final long timeoutMillis;
    /** Set by another thread to end the query; never null. */
    final Cancellation cancellation;
    /** Where table generators run: the engine's bounded pool. */
    final ExecutorService tableThreads;
    /** Names a statement may read from: the engine's tables and aliases, and SQLite's own harmless ones. */
    final Set<String> readable;
    /**
     * When set, the statement is a subscription filter over this one table: the authorizer allows reads of its
     * columns only, and no SELECT but the one around the filter (no subqueries, no compound SELECTs).
     */
    final String onlyTable;
    /** What the query's principal may read. */
    final Access access;
    /** Every catalog table by lower-case name and alias, for {@link #access} checks. */
    final java.util.Map<String, dev.hostquery.api.TableSpec> specs;
    /** The catalog tables the statement reads, canonical names, as the authorizer saw them while preparing. */
    final Set<String> tablesRead = new java.util.LinkedHashSet<>();
    /** Why the principal may not read a table the statement names (the authorizer denied it). */
    String forbidden;
    /** Rows handed to the handler, and result bytes counted against max_result_bytes. */
    long rows;
    long bytes;
    /** How much SQLite's heap may grow while this query runs, bytes; 0 for no limit. */
    final long memoryLimit;
    /** sqlite3_memory_used() when the query got its connection. */
    private long memoryAtStart;
    /** Set when the progress handler stopped the query for its memory. */
    boolean memoryExceeded;

    /** SELECTs the authorizer saw while preparing: 1 for a plain query. */
    int selects;
    /** Why xBestIndex refused a plan (a required column without a constraint); last one wins. */
    String refusal;
    /** What the authorizer denied, e.g. "INSERT". */
    String denied;
    /** The limit that stopped the query. */
    Limit violated;
    /** The failure a table's generator threw, and the table's name. */
    Throwable tableFailure;
    String failedTable;
    /** A failure the engine itself raised inside a callback (busy table threads), reported as it is. */
    QueryException engineFailure;

    enum Limit { TIME, ROWS, BYTES, MEMORY, CANCELLED }

    QueryState(long timeoutMillis, Cancellation cancellation, ExecutorService tableThreads, Set<String> readable,
            String onlyTable, long memoryLimit, Access access, java.util.Map<String, dev.hostquery.api.TableSpec> specs) {
        this.access = access;
        this.specs = specs;
        this.memoryLimit = memoryLimit;
        this.timeoutMillis = timeoutMillis;
        this.deadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
        this.cancellation = cancellation;
        this.tableThreads = tableThreads;
        this.readable = readable;
        this.onlyTable = onlyTable;
    }

    boolean expired() {
        return System.nanoTime() - deadlineNanos > 0;
    }

    /** True once the query must stop: its deadline passed or it was cancelled. Cheap: tables call it per row. */
    boolean ended() {
        return cancellation.isCancelled() || expired();
    }

    /** Records why the query ended, for the error message; the first reason wins. */
    void markEnded() {
        if (violated == null) {
            violated = cancellation.isCancelled() ? Limit.CANCELLED : Limit.TIME;
        }
    }

    /**
     * Whether SQLite's heap grew by more than this query's share since it started. The growth is process-wide, so it
     * also counts what queries running alongside allocated meanwhile: a short query is charged little of it, a query
     * that keeps growing is charged most of it, and that query is the one stopped.
     */
    void startMemory() {
        memoryAtStart = memoryLimit > 0 ? Sqlite.memoryUsed() : 0;
    }

    boolean overMemory() {
        if (memoryLimit > 0 && Sqlite.memoryUsed() - memoryAtStart > memoryLimit) {
            memoryExceeded = true;
            return true;
        }
        return false;
    }

    long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }
}
