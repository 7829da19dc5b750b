package dev.hostquery.query.sqlite;

import java.util.Set;

/**
 * Told of every client query the engine ran, successful or not, once it has ended: the audit log's source. Called
 * on the query's thread after its connection went back to the pool; must not throw or block.
 */
@FunctionalInterface
public interface QueryListener {
    QueryListener NONE = (caller, sql, outcome) -> { };

    void finished(Caller caller, String sql, Outcome outcome);

    /**
     * How a query ended.
     *
     * @param tables  the catalog tables the statement read (canonical names), as the authorizer saw them
     * @param rows    rows handed to the client
     * @param bytes   result bytes as the engine counts them against max_result_bytes (text and blob bytes, 8 per number)
     * @param nanos   from the request reaching the engine to its end, the wait for a connection included
     * @param failure the error the query ended with; null when it succeeded
     */
    record Outcome(Set<String> tables, long rows, long bytes, long nanos, QueryException failure) {
    }
}
