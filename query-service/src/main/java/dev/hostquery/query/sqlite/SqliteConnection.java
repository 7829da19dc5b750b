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
    private static final Set<String> DENIED_FUNCTIONS = Set.of("load_extension", "fts3_tokenizer", "readfile",
            "writefile", "edit");

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
    private final java.util.LinkedHashMap<String, MemorySegment> statements = new java.util.LinkedHashMap<>(16, 0.75f, true);

    SqliteConnection(Collection<Long> tableIds, Collection<String> names) {
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
    MemorySegment takeStatement(String sql) {
        return statements.remove(sql);
    }

    /** Resets a statement and keeps it for the next query with the same SQL, finalizing the least recently used. */
    void keepStatement(String sql, MemorySegment stmt) {
        try {
            int ignored = (int) Sqlite.reset.invokeExact(stmt);
            MemorySegment previous = statements.put(sql, stmt);
            if (previous != null) {
                ignored = (int) Sqlite.finalize_.invokeExact(previous);
            }
            if (statements.size() > STATEMENT_CACHE) {
                var eldest = statements.entrySet().iterator();
                MemorySegment old = eldest.next().getValue();
                eldest.remove();
                ignored = (int) Sqlite.finalize_.invokeExact(old);
            }
        } catch (Throwable t) {
            throw Sqlite.rethrow(t);
        }
    }

    @Override
    public void close() {
        for (MemorySegment stmt : statements.values()) {
            try {
                int ignored = (int) Sqlite.finalize_.invokeExact(stmt);
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

    /** sqlite3_set_authorizer callback: reads, SELECT, functions and a few read-only pragmas; nothing else. */
    private static int authorize(MemorySegment arg, int action, MemorySegment a1, MemorySegment a2,
            MemorySegment a3, MemorySegment a4) {
        try {
            String denied = switch (action) {
                case Sqlite.SQLITE_SELECT, Sqlite.SQLITE_READ, Sqlite.SQLITE_RECURSIVE -> null;
                case Sqlite.SQLITE_FUNCTION -> {
                    String name = Sqlite.string(a2);
                    yield name != null && DENIED_FUNCTIONS.contains(name.toLowerCase(Locale.ROOT))
                            ? "the function " + name + "()" : null;
                }
                case Sqlite.SQLITE_PRAGMA -> {
                    String name = Sqlite.string(a1);
                    yield name != null && PRAGMAS.contains(name.toLowerCase(Locale.ROOT))
                            ? null : "PRAGMA " + name;
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
            QueryState state = QueryState.CURRENT.get();
            if (state != null && state.denied == null) {
                state.denied = denied;
            }
            return Sqlite.SQLITE_DENY;
        } catch (Throwable t) {
            return Sqlite.SQLITE_DENY;
        }
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
    private static final String[] COLLATIONS = {"VERSION", "VERSION_DPKG"};

    /** sqlite3_create_collation_v2 comparator for {@link Collations}; arg 0 is VERSION, 1 is VERSION_DPKG. */
    private static int compare(MemorySegment arg, int n1, MemorySegment s1, int n2, MemorySegment s2) {
        try {
            String a = Sqlite.string(s1, n1);
            String b = Sqlite.string(s2, n2);
            return (arg.address() == 0 ? Collations.VERSION : Collations.VERSION_DPKG).compare(a, b);
        } catch (Throwable t) {
            return 0;
        }
    }

    /** sqlite3_progress_handler callback: interrupts the statement once the query's deadline has passed. */
    private static int progress(MemorySegment arg) {
        QueryState state = QueryState.CURRENT.get();
        if (state != null && state.expired()) {
            state.violated = QueryState.Limit.TIME;
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
