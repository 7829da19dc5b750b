package dev.hostquery.query.sqlite;

/**
 * How big the engine is and how it shares itself out; every field is a setting of the service (README,
 * "Limits and safety").
 *
 * @param connections          SQLite connections: how many queries run at once
 * @param heapLimitBytes       hard limit on all memory SQLite allocates in this process; 0 for none. Process-wide
 *                             (sqlite3_hard_heap_limit64): the engine built last sets it
 * @param memoryPerQueryBytes  most that SQLite's heap may grow while one query runs before that query is stopped
 *                             with limit_exceeded (memory), so that one query cannot take the whole heap from the
 *                             others; 0 for no such limit
 * @param tableThreads         most table generators running at once, across all queries (platform threads)
 * @param tableQueue           most scans waiting for a table thread; a scan beyond it fails its query as busy
 * @param connectionsPerClient most connections one client ({@link Caller#client()}) holds at once; its further
 *                             queries wait, and fail as busy at their time limit, while other clients' go ahead
 * @param queriesPerClient     most queries one client may have running or waiting at once; one more is refused as
 *                             busy at once. {@link Integer#MAX_VALUE} for no limit
 */
public record EngineSettings(int connections, long heapLimitBytes, long memoryPerQueryBytes, int tableThreads, int tableQueue,
        int connectionsPerClient, int queriesPerClient) {
    public EngineSettings {
        if (queriesPerClient < 1) {
            throw new IllegalArgumentException("queries per client must be at least 1, got " + queriesPerClient);
        }
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1, got " + connections);
        }
        if (connectionsPerClient < 1) {
            throw new IllegalArgumentException("connections per client must be at least 1, got " + connectionsPerClient);
        }
        if (tableThreads < 1 || tableQueue < 0) {
            throw new IllegalArgumentException("table threads must be at least 1 and the queue not negative, got "
                    + tableThreads + " and " + tableQueue);
        }
        if (heapLimitBytes < 0 || memoryPerQueryBytes < 0) {
            throw new IllegalArgumentException("memory limits must not be negative, got " + heapLimitBytes + " and "
                    + memoryPerQueryBytes);
        }
    }

    /** Table threads and waiting scans of {@link #of}. */
    static final int DEFAULT_TABLE_THREADS = 64;
    static final int DEFAULT_TABLE_QUEUE = 256;

    /** {@code connections} connections, the heap limit, and defaults for the rest: no per-query or per-client share. */
    public static EngineSettings of(int connections, long heapLimitBytes) {
        return new EngineSettings(connections, heapLimitBytes, 0, DEFAULT_TABLE_THREADS, DEFAULT_TABLE_QUEUE, connections,
                Integer.MAX_VALUE);
    }
}
