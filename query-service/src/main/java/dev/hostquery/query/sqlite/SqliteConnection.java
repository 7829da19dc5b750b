package dev.hostquery.query.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.hostquery.api.Table;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;

/**
 * One in-memory SQLite connection with every table registered as an eponymous virtual table, an authorizer
 * that allows reads only, and a progress handler that enforces the running query's deadline.
 *
 * <p>Not thread-safe: the engine lends a connection to one query at a time. Owns the native {@code sqlite3*};
 * {@link #close()} releases it once.
 */
final class SqliteConnection implements AutoCloseable {
    private static final MemorySegment AUTHORIZER;
    private static final MemorySegment PROGRESS;
    private static final MemorySegment COMPARE;
    /** SQLite VM instructions between two deadline checks. */
    private static final int PROGRESS_INSTRUCTIONS = 10_000;

    /** Read-only pragmas a query may use, e.g. {@code PRAGMA table_info(processes)}. */
    private static final Set<String> PRAGMAS = Set.of("table_info", "table_xinfo", "table_list", "function_list",
            "module_list", "pragma_list", "collation_list", "compile_options");
    /**
     * The functions a query may call: SQLite's core scalar, aggregate, window, date, math and JSON functions
     * (https://sqlite.org/lang_corefunc.html and its siblings), including those of newer SQLite versions, and
     * nothing else. Left out: load_extension, fts3_tokenizer, the FTS and R*Tree helpers, sqlite_log, and any
     * function an extension or a future SQLite adds until it is looked at and listed here.
     */
    static final Set<String> FUNCTIONS = Set.of(
            // core scalar functions
            "abs", "changes", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "ifnull", "iif", "instr",
            "last_insert_rowid", "length", "like", "likelihood", "likely", "lower", "ltrim", "max", "min", "nullif",
            "octet_length", "printf", "quote", "random", "randomblob", "replace", "round", "rtrim", "sign", "soundex",
            "sqlite_compileoption_get", "sqlite_compileoption_used", "sqlite_offset", "sqlite_source_id", "sqlite_version",
            "substr", "substring", "total_changes", "trim", "typeof", "unhex", "unicode", "unlikely", "upper", "zeroblob",
            "subtype",
            // aggregates
            "avg", "count", "group_concat", "string_agg", "sum", "total", "median", "percentile", "percentile_cont",
            "percentile_disc",
            // window functions
            "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
            "last_value", "nth_value",
            // date and time
            "date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff", "current_date", "current_time",
            "current_timestamp",
            // math
            "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling", "cos", "cosh", "degrees", "exp",
            "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow", "power", "radians", "sin", "sinh", "sqrt", "tan",
            "tanh", "trunc",
            // JSON
            "json", "json_array", "json_array_length", "json_error_position", "json_extract", "json_group_array",
            "json_group_object", "json_insert", "json_object", "json_patch", "json_pretty", "json_quote", "json_remove",
            "json_replace", "json_set", "json_type", "json_valid", "jsonb", "jsonb_array", "jsonb_extract",
            "jsonb_group_array", "jsonb_group_object", "jsonb_insert", "jsonb_object", "jsonb_patch", "jsonb_remove",
            "jsonb_replace", "jsonb_set", "->", "->>",
            // osquery's additions (SqlFunctions)
            "regex_match", "regex_split", "split", "version_compare", "inet_aton", "in_cidr_block", "community_id_v1",
            "community_id_v1_strict", "to_base64", "from_base64", "conditional_to_base64", "md5", "sha1", "sha256", "cot");

    private static final Set<String> SCHEMA_TABLES = Set.of("sqlite_master", "sqlite_schema", "sqlite_temp_master",
            "sqlite_temp_schema");

    /**
     * Eponymous tables of SQLite and its usual extensions that a query must not read (besides every pragma_*):
     * sqlite_stmt shows other clients' SQL, sqlite_dbpage and dbstat the database's pages, the rest are of no use.
     */
    private static final Set<String> SQLITE_TABLES = Set.of("sqlite_stmt", "sqlite_dbpage", "dbstat", "fts3", "fts3tokenize",
            "fts4", "fts4aux", "fts5", "fts5vocab", "rtree", "rtree_i32", "geopoly", "sqlite_memstat", "generate_series",
            "carray", "completion", "zipfile", "fsdir", "sqlar", "csv", "spellfix1", "sqlite_btreeinfo", "unionvtab",
            "swarmvtab", "sqlite_schema", "sqlite_master", "sqlite_temp_master", "sqlite_temp_schema");

    /** Largest string or blob a query may build, bytes (SQLITE_LIMIT_LENGTH; SQLite's default is 1e9). */
    static final int MAX_VALUE_BYTES = 64 << 20;

    static {
        try {
            Arena arena = Arena.global();
            AUTHORIZER = VirtualTables.stub(java.lang.invoke.MethodHandles.lookup(), arena, "authorize", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
            PROGRESS = VirtualTables.stub(java.lang.invoke.MethodHandles.lookup(), arena, "progress", JAVA_INT, ADDRESS);
            COMPARE = VirtualTables.stub(java.lang.invoke.MethodHandles.lookup(), arena, "compare", JAVA_INT, ADDRESS,
                    JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int SQLITE_UPDATE = 23;

    /** Prepared statements kept for reuse, by SQL text; fleets send the same queries again and again. */
    private static final int STATEMENT_CACHE = 32;

    private MemorySegment db;
    private final java.util.LinkedHashMap<String, Prepared> statements = new java.util.LinkedHashMap<>(16, 0.75f, true);

    /**
     * A prepared statement and the catalog tables it reads: SQLite runs the authorizer only when it prepares, so a
     * statement taken from the cache is checked against its next caller's access by these tables.
     */
    record Prepared(MemorySegment stmt, Set<String> tables) {
    }

    SqliteConnection(Collection<Long> tableIds, Collection<String> names) {
        this(tableIds, names, java.util.Map.of());
    }

    /** @param views checked view names to their SELECTs, created as temporary views before the authorizer is set */
    SqliteConnection(Collection<Long> tableIds, Collection<String> names, java.util.Map<String, String> views) {
        VirtualTables.MODULE.address(); // loads the module and its stubs before the first connection
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int flags = Sqlite.SQLITE_OPEN_READWRITE | Sqlite.SQLITE_OPEN_MEMORY | Sqlite.SQLITE_OPEN_NOMUTEX
                    | Sqlite.SQLITE_OPEN_EXRESCODE;
            int rc = (int) Sqlite.open_v2.invokeExact(arena.allocateFrom(":memory:"), out, flags, MemorySegment.NULL);
            db = out.get(ADDRESS, 0);
            if (rc != Sqlite.SQLITE_OK) {
                String message = errorMessage();
                close();
                throw new IllegalStateException("sqlite3_open_v2 failed: " + message);
            }
            int ignored = (int) Sqlite.limit.invokeExact(db, Sqlite.SQLITE_LIMIT_ATTACHED, 0);
            ignored = (int) Sqlite.limit.invokeExact(db, Sqlite.SQLITE_LIMIT_SQL_LENGTH, 1_000_000);
            ignored = (int) Sqlite.limit.invokeExact(db, Sqlite.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES);
            // Temporary tables, sorts and DISTINCTs stay in memory, under the hard heap limit, instead of temp files
            // on a disk nobody bounds (set before the authorizer, which would refuse the pragma).
            rc = (int) Sqlite.exec.invokeExact(db, arena.allocateFrom("PRAGMA temp_store = MEMORY"), MemorySegment.NULL,
                    MemorySegment.NULL, MemorySegment.NULL);
            if (rc != Sqlite.SQLITE_OK) {
                String message = errorMessage();
                close();
                throw new IllegalStateException("PRAGMA temp_store = MEMORY failed: " + message);
            }
            var ids = tableIds.iterator();
            for (String name : names) {
                long id = ids.next();
                rc = (int) Sqlite.create_module_v2.invokeExact(db, arena.allocateFrom(name), VirtualTables.MODULE,
                        MemorySegment.ofAddress(id), MemorySegment.NULL);
                if (rc != Sqlite.SQLITE_OK) {
                    String message = errorMessage();
                    close();
                    throw new IllegalStateException("cannot register table '" + name + "': " + message);
                }
            }
            for (int i = 0; i < COLLATIONS.length; i++) {
                rc = (int) Sqlite.create_collation_v2.invokeExact(db, arena.allocateFrom(COLLATIONS[i]), Sqlite.SQLITE_UTF8,
                        MemorySegment.ofAddress(i), COMPARE, MemorySegment.NULL);
                if (rc != Sqlite.SQLITE_OK) {
                    close();
                    throw new IllegalStateException("cannot register collation " + COLLATIONS[i]);
                }
            }
            String failed = SqlFunctions.register(db);
            if (failed != null) {
                close();
                throw new IllegalStateException("cannot register the SQL function " + failed);
            }
            // views last: they may use the functions; before the authorizer, which refuses CREATE
            for (var view : views.entrySet()) {
                rc = (int) Sqlite.exec.invokeExact(db, arena.allocateFrom("CREATE TEMP VIEW \"" + view.getKey() + "\" AS "
                        + view.getValue()), MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL);
                if (rc != Sqlite.SQLITE_OK) {
                    String message = errorMessage();
                    close();
                    throw new IllegalStateException("view '" + view.getKey() + "' (hostquery.views." + view.getKey()
                            + "): " + message);
                }
            }
            rc = (int) Sqlite.set_authorizer.invokeExact(db, AUTHORIZER, MemorySegment.NULL);
            if (rc != Sqlite.SQLITE_OK) {
                close();
                throw new IllegalStateException("cannot install the authorizer");
            }
            Sqlite.progress_handler.invokeExact(db, PROGRESS_INSTRUCTIONS, PROGRESS, MemorySegment.NULL);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Sqlite.rethrow(t);
        }
    }

    MemorySegment handle() {
        return db;
    }

    /** Stops the statement running on this connection (sqlite3_interrupt); safe from any thread while it is open. */
    void interrupt() {
        try {
            Sqlite.interrupt.invokeExact(db);
        } catch (Throwable t) {
            throw Sqlite.rethrow(t);
        }
    }

    String errorMessage() {
        try {
            return Sqlite.string((MemorySegment) Sqlite.errmsg.invokeExact(db));
        } catch (Throwable t) {
            throw Sqlite.rethrow(t);
        }
    }

    /** Byte offset in the SQL of the token the last error refers to, or -1. */
    int errorOffset() {
        try {
            return (int) Sqlite.error_offset.invokeExact(db);
        } catch (Throwable t) {
            throw Sqlite.rethrow(t);
        }
    }

    /** A cached statement for this SQL, taken out of the cache while in use; null when there is none. */
    Prepared takeStatement(String sql) {
        return statements.remove(sql);
    }

    /** Resets a statement and keeps it for the next query with the same SQL, finalizing the least recently used. */
    void keepStatement(String sql, Prepared prepared) {
        try {
            int ignored = (int) Sqlite.reset.invokeExact(prepared.stmt());
            Prepared previous = statements.put(sql, prepared);
            if (previous != null) {
                ignored = (int) Sqlite.finalize_.invokeExact(previous.stmt());
            }
            if (statements.size() > STATEMENT_CACHE) {
                var eldest = statements.entrySet().iterator();
                MemorySegment old = eldest.next().getValue().stmt();
                eldest.remove();
                ignored = (int) Sqlite.finalize_.invokeExact(old);
            }
        } catch (Throwable t) {
            throw Sqlite.rethrow(t);
        }
    }

    @Override
    public void close() {
        for (Prepared prepared : statements.values()) {
            try {
                int ignored = (int) Sqlite.finalize_.invokeExact(prepared.stmt());
            } catch (Throwable t) {
                // closing anyway
            }
        }
        statements.clear();
        if (db != null && db.address() != 0) {
            try {
                int ignored = (int) Sqlite.close_v2.invokeExact(db);
            } catch (Throwable t) {
                throw Sqlite.rethrow(t);
            } finally {
                db = null;
            }
        }
    }

    // ---- callbacks ------------------------------------------------------------------------------------

    /**
     * sqlite3_set_authorizer callback: SELECT, reads of the engine's tables and SQLite's harmless ones, the listed
     * functions and read-only pragmas; nothing else. A read with an empty column name is a table used without its
     * columns ({@code SELECT count(*) FROM sqlite_stmt}): checked the same. In a subscription filter
     * ({@link QueryState#onlyTable}) only that table's columns and a single SELECT are allowed.
     */
    private static int authorize(MemorySegment arg, int action, MemorySegment a1, MemorySegment a2,
            MemorySegment a3, MemorySegment a4) {
        try {
            QueryState state = QueryState.CURRENT.get();
            if (state == null) {
                return Sqlite.SQLITE_DENY;
            }
            String denied = switch (action) {
                case Sqlite.SQLITE_SELECT -> ++state.selects > 1 && state.onlyTable != null
                        ? "a subquery or compound SELECT in a filter" : null;
                case Sqlite.SQLITE_RECURSIVE -> state.onlyTable != null ? "a recursive query in a filter" : null;
                case Sqlite.SQLITE_READ -> {
                    String table = lower(Sqlite.string(a1));
                    dev.hostquery.api.TableSpec spec = state.specs.get(table);
                    if (spec != null) {
                        // the principal's roles, for every read of a catalog table: the statement's own FROM, a join,
                        // a subquery, a view or a subscription filter all come through here; so does count(*) of a
                        // table, without a database name (a CTE that borrows a table's name is checked as that
                        // table: a clear refusal, no leak)
                        state.tablesRead.add(spec.name());
                        String denial = state.access.tableDenial(spec);
                        if (denial != null) {
                            if (state.forbidden == null) {
                                state.forbidden = denial;
                            }
                            yield denial;
                        }
                    }
                    if (state.onlyTable != null) {
                        // the schema table: SQLite reads it itself when it first connects an eponymous table
                        yield state.onlyTable.equals(table) || SCHEMA_TABLES.contains(table) ? null
                                : "reading table " + table + " in a filter";
                    }
                    // a CTE or subquery of the statement itself comes without a database name (a3); so does a table
                    // used without its columns (count(*)), hence SQLite's own tables are refused by name as well
                    boolean ownName = a3.address() == 0 && !SQLITE_TABLES.contains(table) && !table.startsWith("pragma_");
                    yield state.readable.contains(table) || ownName ? null : "reading " + table;
                }
                case Sqlite.SQLITE_FUNCTION -> {
                    String name = lower(Sqlite.string(a2));
                    yield FUNCTIONS.contains(name) ? null : "the function " + name + "()";
                }
                case Sqlite.SQLITE_PRAGMA -> {
                    String name = lower(Sqlite.string(a1));
                    yield state.onlyTable == null && PRAGMAS.contains(name) ? null : "PRAGMA " + name;
                }
                // SQLite checks an UPDATE of sqlite_master when it first connects an eponymous virtual table;
                // a real UPDATE of the schema table fails anyway (writable_schema is off and PRAGMA is denied)
                // and is caught by sqlite3_stmt_readonly.
                case SQLITE_UPDATE -> "sqlite_master".equals(Sqlite.string(a1)) ? null : "UPDATE";
                default -> actionName(action);
            };
            if (denied == null) {
                return Sqlite.SQLITE_OK;
            }
            if (state.denied == null) {
                state.denied = denied;
            }
            return Sqlite.SQLITE_DENY;
        } catch (Throwable t) {
            return Sqlite.SQLITE_DENY;
        }
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    private static String actionName(int action) {
        return switch (action) {
            case 1, 2, 3, 4, 5, 6, 7, 8 -> "CREATE";
            case 9 -> "DELETE";
            case 10, 11, 12, 13, 14, 15, 16, 17 -> "DROP";
            case 18 -> "INSERT";
            case 22 -> "a transaction (BEGIN, COMMIT, ROLLBACK)";
            case 23 -> "UPDATE";
            case 24 -> "ATTACH";
            case 25 -> "DETACH";
            case 26 -> "ALTER TABLE";
            case 27 -> "REINDEX";
            case 28 -> "ANALYZE";
            case 29 -> "CREATE VIRTUAL TABLE";
            case 30 -> "DROP VIRTUAL TABLE";
            case 32 -> "a SAVEPOINT";
            default -> "the operation with authorizer code " + action;
        };
    }

    /** Collation names; the callback's client data is the index. */
    private static final String[] COLLATIONS = {"VERSION", "VERSION_DPKG", "VERSION_ARCH", "VERSION_RHEL"};
    private static final java.util.List<java.util.Comparator<String>> COMPARATORS = java.util.List.of(Collations.VERSION,
            Collations.VERSION_DPKG, Collations.VERSION_ARCH, Collations.VERSION_RHEL);

    /** sqlite3_create_collation_v2 comparator for {@link Collations}; arg is the index in {@link #COLLATIONS}. */
    private static int compare(MemorySegment arg, int n1, MemorySegment s1, int n2, MemorySegment s2) {
        try {
            String a = Sqlite.string(s1, n1);
            String b = Sqlite.string(s2, n2);
            return Integer.signum(COMPARATORS.get((int) arg.address()).compare(a, b));
        } catch (Throwable t) {
            return 0;
        }
    }

    /**
     * sqlite3_progress_handler callback: stops the statement once the query's deadline passed, it was cancelled, or
     * SQLite's heap grew past the query's share while it ran.
     */
    private static int progress(MemorySegment arg) {
        QueryState state = QueryState.CURRENT.get();
        if (state != null && state.ended()) {
            state.markEnded();
            return 1;
        }
        if (state != null && state.overMemory()) {
            if (state.violated == null) {
                state.violated = QueryState.Limit.MEMORY;
            }
            return 1;
        }
        return 0;
    }

    static MemorySegment copy(Arena arena, byte[] bytes) {
        MemorySegment s = arena.allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, s, JAVA_BYTE, 0, bytes.length);
        return s;
    }
}
