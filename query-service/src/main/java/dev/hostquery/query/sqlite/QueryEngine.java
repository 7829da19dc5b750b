package dev.hostquery.query.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.hostquery.api.InvalidConstraintException;
import dev.hostquery.api.Table;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs read-only SQLite SELECTs over the registered tables on a pool of connections.
 *
 * <p>Each connection registers every table (and alias) as an eponymous virtual table, so several queries
 * run at once, one per connection. Every query has a time limit (checked by SQLite's progress handler and
 * while waiting for a table's rows), a row limit and a result-size limit; SQLite's heap as a whole has a hard
 * limit ({@code sqlite3_hard_heap_limit64}). A query that breaks a limit is stopped with
 * {@link ErrorCode#LIMIT_EXCEEDED}.
 */
public final class QueryEngine implements AutoCloseable {
    /** Oldest SQLite with {@code sqlite3_vtab_in}. */
    public static final int MIN_SQLITE_VERSION = 3_038_000;

    /**
     * SQLite's own tables a query may read besides ours: the (empty) schema table, and the JSON table-valued
     * functions. Not sqlite_stmt (other clients' SQL), sqlite_dbpage, dbstat or the pragma_* tables.
     */
    static final Set<String> BUILT_IN_TABLES = Set.of("sqlite_master", "sqlite_schema", "sqlite_temp_master",
            "sqlite_temp_schema", "json_each", "json_tree");

    private final QueryLimits limits;
    /** Fair: queries waiting for a connection get one in the order they asked. */
    private final ArrayBlockingQueue<SqliteConnection> pool;
    private final List<SqliteConnection> all = new ArrayList<>();
    private final List<Long> tableIds = new ArrayList<>();
    /** Every name a statement may read: the tables, their aliases, and SQLite's harmless built-in tables. */
    private final Set<String> readable;
    /** Owned: the bounded pool that runs table generators; shut down by {@link #close()}. */
    private final ThreadPoolExecutor tableThreads;
    /** How many connections each client holds or waits for, bounded per client so that no client starves the rest. */
    private final ClientShares clients;
    /** EngineSettings.memoryPerQueryBytes: the heap growth one query may cause; 0 for no limit. */
    private final long memoryPerQuery;
    /** Every table by lower-case name and alias: what the authorizer checks a principal's access against. */
    private final java.util.Map<String, dev.hostquery.api.TableSpec> specs;
    private volatile QueryListener listener = QueryListener.NONE;
    private final List<Table> tables;
    /** The views as tables of the catalog, by name. */
    private final List<dev.hostquery.api.TableSpec> viewSpecs;
    private volatile boolean closed;

    /**
     * @param tables         the tables to offer; a table's aliases are registered too
     * @param connections    size of the connection pool: how many queries run at once
     * @param limits         the server's per-query limits (requests may lower them)
     * @param heapLimitBytes hard limit on all memory SQLite allocates in this process; 0 for none
     * @throws IllegalStateException when the system SQLite is older than 3.38 or cannot be loaded
     */
    public QueryEngine(List<Table> tables, int connections, QueryLimits limits, long heapLimitBytes) {
        this(tables, limits, EngineSettings.of(connections, heapLimitBytes));
    }

    /**
     * @param tables   the tables to offer; a table's aliases are registered too
     * @param limits   the server's per-query limits (requests may lower them)
     * @param settings the pool, memory and thread bounds
     * @throws IllegalStateException when the system SQLite is older than 3.38 or cannot be loaded
     */
    public QueryEngine(List<Table> tables, QueryLimits limits, EngineSettings settings) {
        this(tables, limits, settings, java.util.Map.of());
    }

    /**
     * @param views named SQL views (osquery's {@code views}): created on every connection, checked here by
     *              preparing each, and listed by {@link #views()} as tables of the catalog
     * @throws IllegalStateException as above, and for a view that is not a valid SELECT over the tables, naming it
     */
    public QueryEngine(List<Table> tables, QueryLimits limits, EngineSettings settings, java.util.Map<String, String> views) {
        this.tables = List.copyOf(tables);
        int connections = settings.connections();
        clients = new ClientShares(Math.min(settings.connectionsPerClient(), connections), connections,
                settings.queriesPerClient());
        memoryPerQuery = settings.memoryPerQueryBytes();
        long heapLimitBytes = settings.heapLimitBytes();
        int tableThreads = settings.tableThreads();
        int tableQueue = settings.tableQueue();
        if (Sqlite.versionNumber() < MIN_SQLITE_VERSION) {
            throw new IllegalStateException("SQLite " + Sqlite.version() + " is too old: 3.38 or newer is needed");
        }
        this.limits = limits;
        List<String> names = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        java.util.Map<String, dev.hostquery.api.TableSpec> byName = new java.util.HashMap<>();
        for (Table table : tables) {
            byName.put(table.spec().name(), table.spec());
            table.spec().aliases().forEach(alias -> byName.put(alias.toLowerCase(Locale.ROOT), table.spec()));
            long id = VirtualTables.register(table);
            tableIds.add(id);
            names.add(table.spec().name());
            ids.add(id);
            for (String alias : table.spec().aliases()) {
                names.add(alias);
                ids.add(id);
            }
        }
        try {
            long ignored = (long) Sqlite.hard_heap_limit64.invokeExact(heapLimitBytes);
        } catch (Throwable t) {
            throw Sqlite.rethrow(t);
        }
        Set<String> names2 = new HashSet<>(BUILT_IN_TABLES);
        names.forEach(n -> names2.add(n.toLowerCase(Locale.ROOT)));
        java.util.Map<String, String> checkedViews = Views.check(views, names2);
        names2.addAll(checkedViews.keySet());
        readable = Set.copyOf(names2);
        specs = java.util.Map.copyOf(byName);
        // Platform threads, not virtual ones: the SQLite thread waits for rows inside an FFM upcall, a native frame
        // that pins a virtual thread to its carrier, so with as many waiting queries as cores no carrier would be
        // left to run the generators they wait for.
        this.tableThreads = new ThreadPoolExecutor(tableThreads, tableThreads, 30, TimeUnit.SECONDS,
                tableQueue == 0 ? new java.util.concurrent.SynchronousQueue<>() : new LinkedBlockingQueue<>(tableQueue),
                Thread.ofPlatform().name("hostquery-table-", 0).daemon(true).factory());
        this.tableThreads.allowCoreThreadTimeOut(true);
        pool = new ArrayBlockingQueue<>(connections, true);
        try {
            for (int i = 0; i < connections; i++) {
                SqliteConnection connection = new SqliteConnection(ids, names, checkedViews);
                all.add(connection);
                pool.add(connection);
            }
            viewSpecs = Views.specs(this, checkedViews, specs);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The tables the engine was built with (not the views). */
    public List<Table> tables() {
        return tables;
    }

    /** The configured views, each as a table of the catalog: its columns, and the sensitivity of what it reads. */
    public List<dev.hostquery.api.TableSpec> views() {
        return viewSpecs;
    }

    /** The SQLite library version in use, e.g. {@code 3.40.1}. */
    public static String sqliteVersion() {
        return Sqlite.version();
    }

    public QueryLimits limits() {
        return limits;
    }

    /** Tells {@code listener} of every client query once it ended (the audit log); internal queries are not told. */
    public void setListener(QueryListener listener) {
        this.listener = listener == null ? QueryListener.NONE : listener;
    }

    /** Runs a query and collects its whole result. */
    public QueryResult query(String sql, QueryLimits requested) {
        return query(sql, requested, Caller.internal("query"));
    }

    /** Runs a caller's query, which its cancellation can end from another thread, and collects its whole result. */
    public QueryResult query(String sql, QueryLimits requested, Caller caller) {
        return collect(sql, requested, new Object[0], caller, null);
    }

    /**
     * Runs a query with values bound to its parameters ({@code ?1}, {@code ?2}, …): a {@link Long} or a
     * {@link String} each. The same SQL with other values reuses the connection's prepared statement.
     */
    public QueryResult query(String sql, QueryLimits requested, Object... parameters) {
        return collect(sql, requested, parameters, Caller.internal("query"), null);
    }

    private QueryResult collect(String sql, QueryLimits requested, Object[] parameters, Caller caller, String onlyTable) {
        List<Object[]> rows = new ArrayList<>();
        List<List<ResultColumn>> columns = new ArrayList<>(1);
        long start = System.nanoTime();
        Set<String> tables = execute(sql, requested, parameters, caller, onlyTable, new ResultHandler() {
            @Override
            public void columns(List<ResultColumn> c) {
                columns.add(c);
            }

            @Override
            public boolean row(Object[] values) {
                rows.add(values);
                return true;
            }
        });
        return new QueryResult(columns.getFirst(), rows, System.nanoTime() - start, tables);
    }

    /**
     * Runs a query, handing columns and rows to {@code handler} as SQLite produces them.
     *
     * @throws QueryException with the error code and a message naming what was wrong
     */
    public void execute(String sql, QueryLimits requested, ResultHandler handler) {
        execute(sql, requested, new Object[0], Caller.internal("query"), null, handler);
    }

    /**
     * Runs a caller's query, which its cancellation can end from another thread (it then fails with
     * {@link ErrorCode#CANCELLED}), handing columns and rows to {@code handler} as SQLite produces them. A handler
     * may throw a {@link QueryException} to end the query with that error.
     */
    public void execute(String sql, QueryLimits requested, Caller caller, ResultHandler handler) {
        execute(sql, requested, new Object[0], caller, null, handler);
    }

    /**
     * Checks that {@code filter} is an expression over one row of {@code table} and nothing else, and returns the
     * columns of {@code SELECT *, eid FROM table}. Refused: SQL that escapes the expression (an unbalanced
     * parenthesis, a comment, a semicolon), subqueries and compound SELECTs, reads of any other table, and
     * every function or construct the authorizer denies queries.
     *
     * @throws QueryException bad_request, sql_syntax, unknown_column or read_only naming what is wrong; positions
     *                        are offsets in the filter
     */
    public List<ResultColumn> checkFilter(String table, String filter, Access access) {
        FilterText.check(filter);
        String prefix = "SELECT *, eid FROM " + table + " WHERE eid < '0' AND (";
        try {
            return collect(prefix + filter + ")", QueryLimits.NONE_REQUESTED, new Object[0], Caller.subscription(access), table)
                    .columns();
        } catch (QueryException e) {
            // report the error against the filter the client wrote, not the query built around it
            String message = e.getMessage().replaceFirst(" \\(at position \\d+: .*\\)$", "");
            int position = e.position() >= prefix.length() ? e.position() - prefix.length() : -1;
            // what the authorizer refuses in a filter is not a write: the request is wrong
            ErrorCode code = e.code() == ErrorCode.READ_ONLY ? ErrorCode.BAD_REQUEST : e.code();
            throw new QueryException(code, "invalid filter '" + filter + "': " + message, position, e.limit());
        }
    }

    /**
     * Runs a subscription's read: {@code sql} embeds a filter that {@link #checkFilter} accepted, so the
     * statement is held to the same rules (one table, no subquery) when it is prepared, and to the subscriber's
     * access.
     */
    public QueryResult queryFiltered(String table, String sql, Access access, Object... parameters) {
        return collect(sql, QueryLimits.NONE_REQUESTED, parameters, Caller.subscription(access), table);
    }

    /** Runs a statement; the catalog tables it read. */
    private Set<String> execute(String sql, QueryLimits requested, Object[] parameters, Caller caller, String onlyTable,
            ResultHandler handler) {
        long start = System.nanoTime();
        QueryState state = null;
        QueryException failure = null;
        try {
            if (sql == null || sql.isBlank()) {
                throw new QueryException(ErrorCode.BAD_REQUEST, "the request has no SQL: give a SELECT statement in 'sql'");
            }
            if (closed) {
                throw new QueryException(ErrorCode.BUSY, "the query engine is shutting down");
            }
            QueryLimits effective = limits.narrow(requested);
            state = new QueryState(effective.timeoutMillis(), caller.cancellation(), tableThreads, readable, onlyTable,
                    memoryPerQuery, caller.access(), specs);
            acquireAndRun(sql, parameters, caller, handler, effective, state);
            return Set.copyOf(state.tablesRead);
        } catch (QueryException e) {
            failure = e;
            throw e;
        } catch (RuntimeException e) {
            failure = new QueryException(ErrorCode.INTERNAL, "internal error: " + e);
            throw e;
        } finally {
            if (!caller.internal()) {
                notify(caller, sql, state == null
                        ? new QueryListener.Outcome(Set.of(), 0, 0, System.nanoTime() - start, failure)
                        : new QueryListener.Outcome(Set.copyOf(state.tablesRead), state.rows, state.bytes,
                                System.nanoTime() - start, failure));
            }
        }
    }

    private void notify(Caller caller, String sql, QueryListener.Outcome outcome) {
        try {
            listener.finished(caller, sql, outcome);
        } catch (RuntimeException e) {
            // the listener's own failure must not change the query's outcome
            java.lang.System.getLogger(QueryEngine.class.getName()).log(java.lang.System.Logger.Level.WARNING,
                    "query listener failed", e);
        }
    }

    private void acquireAndRun(String sql, Object[] parameters, Caller caller, ResultHandler handler, QueryLimits effective,
            QueryState state) {
        Cancellation cancellation = caller.cancellation();
        clients.acquire(caller.client(), caller.internal(), state);
        SqliteConnection connection = null;
        try {
            while (connection == null && !state.ended()) {
                // in slices, so that a query cancelled while it waits gives up its place at once
                connection = pool.poll(Math.min(50_000_000L, Math.max(1, state.remainingNanos())), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            clients.release(caller.client());
            Thread.currentThread().interrupt();
            throw new QueryException(ErrorCode.CANCELLED, "interrupted while waiting for a connection");
        }
        if (connection == null) {
            clients.release(caller.client());
        }
        if (connection == null && cancellation.isCancelled()) {
            throw new QueryException(ErrorCode.CANCELLED, "the query was cancelled while it waited for a connection: "
                    + cancellation.reason());
        }
        if (connection == null) {
            throw new QueryException(ErrorCode.BUSY, "all " + all.size() + " query connections stayed busy for "
                    + effective.timeoutMillis() + " ms; try again later");
        }
        QueryState.CURRENT.set(state);
        state.startMemory(); // from here on, not while it waited: the heap's growth meanwhile was others'
        cancellation.onCancel(connection::interrupt);
        try {
            run(connection, sql, parameters, effective, state, handler);
        } finally {
            cancellation.onCancel(null); // after this no late cancel can interrupt the connection's next query
            QueryState.CURRENT.remove();
            pool.add(connection);
            clients.release(caller.client());
        }
    }

    private static void run(SqliteConnection connection, String sql, Object[] parameters, QueryLimits limits, QueryState state,
            ResultHandler handler) {
        // a subscription filter's statement is prepared under the filter's rules (one table, no subquery): it is
        // cached apart from a client's statement of the same text, which was prepared under the query rules
        String key = state.onlyTable == null ? sql : "\0filter " + state.onlyTable + "\0" + sql;
        SqliteConnection.Prepared cached = connection.takeStatement(key);
        MemorySegment stmt = cached == null ? null : cached.stmt();
        Set<String> tables = cached == null ? null : cached.tables();
        try {
            if (stmt == null) {
                stmt = prepare(connection, sql, state);
                tables = Set.copyOf(state.tablesRead);
            } else {
                // prepared for an earlier caller: the authorizer does not run again, so this caller's access is
                // checked against the tables the statement reads
                state.tablesRead.addAll(tables);
                for (String table : tables) {
                    String denial = state.access.tableDenial(state.specs.get(table));
                    if (denial != null) {
                        throw new QueryException(ErrorCode.FORBIDDEN, denial);
                    }
                }
            }
            bind(stmt, parameters);
            step(connection, stmt, limits, state, handler);
        } catch (QueryException e) {
            throw e;
        } catch (Throwable t) {
            throw new QueryException(ErrorCode.INTERNAL, "internal error: " + t);
        } finally {
            if (stmt != null) {
                // a prepared statement stays valid after an error in step
                connection.keepStatement(key, new SqliteConnection.Prepared(stmt, tables));
            }
        }
    }

    /** Binds parameters 1…n; keepStatement's reset leaves them bound, so they are cleared before binding. */
    private static void bind(MemorySegment stmt, Object[] parameters) throws Throwable {
        int ignored = (int) Sqlite.clear_bindings.invokeExact(stmt);
        for (int i = 0; i < parameters.length; i++) {
            int rc = switch (parameters[i]) {
                case Long l -> (int) Sqlite.bind_int64.invokeExact(stmt, i + 1, (long) l);
                case String text -> {
                    try (Arena arena = Arena.ofConfined()) {
                        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                        yield (int) Sqlite.bind_text.invokeExact(stmt, i + 1, SqliteConnection.copy(arena, bytes), bytes.length,
                                Sqlite.TRANSIENT);
                    }
                }
                default -> throw new IllegalArgumentException("cannot bind a " + parameters[i].getClass().getSimpleName());
            };
            if (rc != Sqlite.SQLITE_OK) {
                throw new QueryException(ErrorCode.BAD_REQUEST, "cannot bind parameter " + (i + 1) + " (SQLite code " + rc
                        + "): the query has fewer parameters than it was given");
            }
        }
    }

    /** Prepares one read-only statement; refuses empty SQL, several statements and writes. */
    private static MemorySegment prepare(SqliteConnection connection, String sql, QueryState state) throws Throwable {
        byte[] bytes = sql.getBytes(StandardCharsets.UTF_8);
        MemorySegment stmt = MemorySegment.NULL;
        boolean ok = false;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = SqliteConnection.copy(arena, bytes);
            MemorySegment out = arena.allocate(ADDRESS);
            MemorySegment tail = arena.allocate(ADDRESS);
            int rc = (int) Sqlite.prepare_v2.invokeExact(connection.handle(), text, bytes.length, out, tail);
            stmt = out.get(ADDRESS, 0);
            if (rc != Sqlite.SQLITE_OK) {
                throw prepareError(connection, rc, sql, bytes, state);
            }
            if (stmt.address() == 0) {
                throw new QueryException(ErrorCode.BAD_REQUEST, "the SQL holds no statement, only comments or white space");
            }
            long consumed = tail.get(ADDRESS, 0).address() - text.address();
            String rest = new String(bytes, (int) consumed, bytes.length - (int) consumed, StandardCharsets.UTF_8);
            if (!rest.replace(";", "").isBlank()) {
                throw new QueryException(ErrorCode.BAD_REQUEST, "only one statement per query; more SQL follows at position "
                        + charOffset(bytes, (int) consumed) + ": " + abbreviate(rest.strip()), charOffset(bytes, (int) consumed), null);
            }
            if ((int) Sqlite.stmt_readonly.invokeExact(stmt) == 0) {
                throw new QueryException(ErrorCode.READ_ONLY, "queries are read-only: only SELECT statements are allowed");
            }
            ok = true;
            return stmt;
        } finally {
            if (!ok && stmt.address() != 0) {
                int ignored = (int) Sqlite.finalize_.invokeExact(stmt);
            }
        }
    }

    private static void step(SqliteConnection connection, MemorySegment stmt, QueryLimits limits, QueryState state,
            ResultHandler handler) throws Throwable {
        int n = (int) Sqlite.column_count.invokeExact(stmt);
        String[] names = new String[n];
        String[] types = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = Sqlite.string((MemorySegment) Sqlite.column_name.invokeExact(stmt, i));
            types[i] = Sqlite.string((MemorySegment) Sqlite.column_decltype.invokeExact(stmt, i));
        }
        boolean headerSent = false;
        long rows = 0;
        long size = 0;
        while (true) {
            int rc = (int) Sqlite.step.invokeExact(stmt);
            if (rc == Sqlite.SQLITE_DONE) {
                break;
            }
            if (rc != Sqlite.SQLITE_ROW) {
                throw stepError(connection, rc, state);
            }
            Object[] values = new Object[n];
            for (int i = 0; i < n; i++) {
                int type = (int) Sqlite.column_type.invokeExact(stmt, i);
                switch (type) {
                    case Sqlite.SQLITE_INTEGER -> {
                        values[i] = (long) Sqlite.column_int64.invokeExact(stmt, i);
                        size += 8;
                    }
                    case Sqlite.SQLITE_FLOAT -> {
                        values[i] = (double) Sqlite.column_double.invokeExact(stmt, i);
                        size += 8;
                    }
                    case Sqlite.SQLITE_TEXT -> {
                        MemorySegment p = (MemorySegment) Sqlite.column_text.invokeExact(stmt, i);
                        int length = (int) Sqlite.column_bytes.invokeExact(stmt, i);
                        values[i] = Sqlite.string(p, length);
                        size += length;
                    }
                    case Sqlite.SQLITE_BLOB -> {
                        MemorySegment p = (MemorySegment) Sqlite.column_blob.invokeExact(stmt, i);
                        int length = (int) Sqlite.column_bytes.invokeExact(stmt, i);
                        values[i] = length == 0 ? new byte[0] : p.reinterpret(length).toArray(JAVA_BYTE);
                        size += length;
                    }
                    default -> values[i] = null;
                }
                if (types[i] == null && values[i] != null) {
                    types[i] = storageClass(type);
                }
            }
            if (++rows > limits.maxRows()) {
                state.violated = QueryState.Limit.ROWS;
                throw new QueryException(ErrorCode.LIMIT_EXCEEDED, "the query returned more than " + limits.maxRows()
                        + " rows (max_rows); add a WHERE clause or a LIMIT", -1, "max_rows");
            }
            if (size > limits.maxResultBytes()) {
                state.violated = QueryState.Limit.BYTES;
                throw new QueryException(ErrorCode.LIMIT_EXCEEDED, "the result grew past " + limits.maxResultBytes()
                        + " bytes (max_result_bytes) at row " + rows + "; select fewer columns or rows", -1, "max_result_bytes");
            }
            if (!headerSent) {
                handler.columns(columns(names, types));
                headerSent = true;
            }
            state.rows = rows;
            state.bytes = size;
            if (!handler.row(values)) {
                return;
            }
        }
        if (!headerSent) {
            handler.columns(columns(names, types));
        }
    }

    private static List<ResultColumn> columns(String[] names, String[] types) {
        List<ResultColumn> columns = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) {
            columns.add(new ResultColumn(names[i], types[i] == null ? "NULL" : types[i]));
        }
        return columns;
    }

    private static String storageClass(int type) {
        return switch (type) {
            case Sqlite.SQLITE_INTEGER -> "INTEGER";
            case Sqlite.SQLITE_FLOAT -> "REAL";
            case Sqlite.SQLITE_TEXT -> "TEXT";
            case Sqlite.SQLITE_BLOB -> "BLOB";
            default -> null;
        };
    }

    private static QueryException prepareError(SqliteConnection connection, int rc, String sql, byte[] bytes,
            QueryState state) {
        String message = connection.errorMessage();
        int offset = connection.errorOffset();
        int position = offset < 0 ? -1 : charOffset(bytes, offset);
        int primary = rc & 0xff;
        if (state.engineFailure != null) {
            return state.engineFailure;
        }
        if (state.forbidden != null) {
            return new QueryException(ErrorCode.FORBIDDEN, state.forbidden);
        }
        if (state.denied != null || primary == Sqlite.SQLITE_AUTH) {
            String what = state.denied == null ? "this statement" : state.denied;
            return new QueryException(ErrorCode.READ_ONLY, "queries are read-only: " + what + " is not allowed");
        }
        if (message != null && message.contains("may not be modified")) {
            return new QueryException(ErrorCode.READ_ONLY, "queries are read-only: " + message);
        }
        if (state.violated != null) {
            return limitError(state);
        }
        if (primary == Sqlite.SQLITE_NOMEM) {
            return memoryError();
        }
        if (state.refusal != null && message != null && message.contains("no query solution")) {
            return new QueryException(ErrorCode.REQUIRED_CONSTRAINT, state.refusal);
        }
        if (message != null && message.startsWith("no such table")) {
            return new QueryException(ErrorCode.UNKNOWN_TABLE, message + " (GET /v1/tables lists the tables)", position, null);
        }
        if (message != null && message.startsWith("no such column")) {
            return new QueryException(ErrorCode.UNKNOWN_COLUMN, message + at(sql, position), position, null);
        }
        return new QueryException(ErrorCode.SQL_SYNTAX, message + at(sql, position), position, null);
    }

    private static QueryException stepError(SqliteConnection connection, int rc, QueryState state) {
        if (state.engineFailure != null) {
            return state.engineFailure;
        }
        if (state.violated == null && state.cancellation.isCancelled()) {
            state.violated = QueryState.Limit.CANCELLED; // sqlite3_interrupt from the cancelling thread: no callback saw it
        }
        if (state.violated != null) {
            return limitError(state);
        }
        int primary = rc & 0xff;
        if (primary == Sqlite.SQLITE_NOMEM) {
            return memoryError();
        }
        String message = connection.errorMessage();
        if (state.tableFailure instanceof dev.hostquery.api.PermissionDeniedException denied) {
            return new QueryException(ErrorCode.FORBIDDEN, denied.getMessage());
        }
        if (state.tableFailure instanceof InvalidConstraintException || state.tableFailure instanceof InvalidPathException) {
            return new QueryException(ErrorCode.INVALID_CONSTRAINT, message);
        }
        if (state.tableFailure != null) {
            return new QueryException(ErrorCode.TABLE_ERROR, message);
        }
        if (primary == Sqlite.SQLITE_INTERRUPT) {
            return new QueryException(ErrorCode.INTERNAL, "the query was interrupted");
        }
        return new QueryException(ErrorCode.SQL_ERROR, message);
    }

    private static QueryException limitError(QueryState state) {
        return switch (state.violated) {
            case TIME -> new QueryException(ErrorCode.LIMIT_EXCEEDED, "the query ran longer than its time limit of "
                    + state.timeoutMillis + " ms (timeout_ms) and was stopped", -1, "timeout_ms");
            case MEMORY -> state.memoryLimit > 0 && state.memoryExceeded ? queryMemoryError(state) : memoryError();
            case CANCELLED -> new QueryException(ErrorCode.CANCELLED, "the query was cancelled: " + state.cancellation.reason());
            default -> new QueryException(ErrorCode.LIMIT_EXCEEDED, "the query broke a limit", -1, null);
        };
    }

    private static QueryException memoryError() {
        return new QueryException(ErrorCode.LIMIT_EXCEEDED, "SQLite ran out of its memory limit "
                + "(hostquery.query.heap-limit) while running the query", -1, "memory");
    }

    private static QueryException queryMemoryError(QueryState state) {
        return new QueryException(ErrorCode.LIMIT_EXCEEDED, "the query took more than " + state.memoryLimit / (1 << 20)
                + " MiB of SQLite's memory (hostquery.query.memory-per-query) and was stopped; it leaves the rest to "
                + "other queries", -1, "memory");
    }

    private static String at(String sql, int position) {
        if (position < 0 || position > sql.length()) {
            return "";
        }
        int from = Math.max(0, position - 20);
        int to = Math.min(sql.length(), position + 20);
        return " (at position " + position + ": '" + (from > 0 ? "…" : "") + sql.substring(from, position) + "⟨here⟩"
                + sql.substring(position, to) + (to < sql.length() ? "…" : "") + "')";
    }

    /** Converts a byte offset in UTF-8 into a character offset in the Java string. */
    private static int charOffset(byte[] utf8, int byteOffset) {
        return new String(utf8, 0, Math.min(byteOffset, utf8.length), StandardCharsets.UTF_8).length();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    /** Closes every connection once queries in flight have returned them. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < all.size(); i++) {
            try {
                SqliteConnection c = pool.poll(30, TimeUnit.SECONDS);
                if (c != null) {
                    c.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        tableIds.forEach(VirtualTables::unregister);
        tableThreads.shutdownNow();
    }
}
