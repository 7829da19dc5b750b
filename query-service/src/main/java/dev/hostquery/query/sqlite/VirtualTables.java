package dev.hostquery.query.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnSpec;
import dev.hostquery.api.Constraint;
import dev.hostquery.api.Operator;
import dev.hostquery.api.QueryCancelledException;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one {@code sqlite3_module} through which every hostquery table is an eponymous SQLite virtual table
 * (https://sqlite.org/vtab.html), with its callbacks as FFM upcalls.
 *
 * <p>The module struct and every upcall stub live in the global arena for the life of the JVM: SQLite keeps
 * pointers to them in every connection. Each callback catches every Throwable (one escaping an upcall kills
 * the JVM) and reports it as {@code SQLITE_ERROR} with a message in {@code zErrMsg}.
 *
 * <p>Memory layout, x86-64 and aarch64 (LP64): {@code sqlite3_vtab} is {pModule, nRef, zErrMsg} in 24 bytes,
 * to which we append the table's id at offset 24; {@code sqlite3_vtab_cursor} is {pVtab}, followed by nothing:
 * the Java cursor is found by the struct's address.
 */
final class VirtualTables {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Map<Long, Table> TABLES = new ConcurrentHashMap<>();
    private static final Map<Long, Cursor> CURSORS = new ConcurrentHashMap<>();
    /** Parsed idxStr by table name and idxStr, a cache of at most {@value #MAX_PLANS} entries. */
    private static final Map<String, Plan> PLANS = new ConcurrentHashMap<>();
    private static final int MAX_PLANS = 10_000;
    private static final AtomicLong IDS = new AtomicLong(1);


    private static final long VTAB_SIZE = 32;
    private static final long VTAB_ERRMSG = 16;
    private static final long VTAB_TABLE_ID = 24;
    private static final long CURSOR_SIZE = 16;

    /** The {@code sqlite3_module} struct, iVersion 1: xCreate…xRename, 19 function pointers after the int. */
    static final MemorySegment MODULE;

    static {
        try {
            MODULE = buildModule();
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private VirtualTables() {
    }

    /** Makes {@code table} known to the callbacks; returns the id to pass as the module's client data. */
    static long register(Table table) {
        long id = IDS.getAndIncrement();
        TABLES.put(id, table);
        return id;
    }

    static void unregister(long id) {
        TABLES.remove(id);
    }

    private static MemorySegment buildModule() throws ReflectiveOperationException {
        Arena arena = Arena.global();
        MemorySegment module = arena.allocate(8 + 8 * 24, 8);
        module.set(JAVA_INT, 0, 1);
        MemorySegment connect = stub(arena, "xConnect", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        MemorySegment disconnect = stub(arena, "xDisconnect", JAVA_INT, ADDRESS);
        module.set(ADDRESS, 8, connect); // xCreate: same pointer as xConnect makes the table eponymous and creatable
        module.set(ADDRESS, 16, connect); // xConnect
        module.set(ADDRESS, 24, stub(arena, "xBestIndex", JAVA_INT, ADDRESS, ADDRESS));
        module.set(ADDRESS, 32, disconnect); // xDisconnect
        module.set(ADDRESS, 40, disconnect); // xDestroy
        module.set(ADDRESS, 48, stub(arena, "xOpen", JAVA_INT, ADDRESS, ADDRESS));
        module.set(ADDRESS, 56, stub(arena, "xClose", JAVA_INT, ADDRESS));
        module.set(ADDRESS, 64, stub(arena, "xFilter", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        module.set(ADDRESS, 72, stub(arena, "xNext", JAVA_INT, ADDRESS));
        module.set(ADDRESS, 80, stub(arena, "xEof", JAVA_INT, ADDRESS));
        module.set(ADDRESS, 88, stub(arena, "xColumn", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        module.set(ADDRESS, 96, stub(arena, "xRowid", JAVA_INT, ADDRESS, ADDRESS));
        // xUpdate and the transaction methods stay NULL: the tables are read-only.
        return module;
    }

    private static MemorySegment stub(Arena arena, String name, java.lang.foreign.MemoryLayout result,
            java.lang.foreign.MemoryLayout... args) throws ReflectiveOperationException {
        return stub(MethodHandles.lookup(), arena, name, result, args);
    }

    /** An upcall stub for the static method {@code name} of the lookup's class, living as long as the arena. */
    static MemorySegment stub(MethodHandles.Lookup lookup, Arena arena, String name,
            java.lang.foreign.MemoryLayout result, java.lang.foreign.MemoryLayout... args)
            throws ReflectiveOperationException {
        FunctionDescriptor descriptor = FunctionDescriptor.of(result, args);
        MethodType type = descriptor.toMethodType();
        MethodHandle target = lookup.findStatic(lookup.lookupClass(), name, type);
        return LINKER.upcallStub(target, descriptor, arena);
    }

    // ---- callbacks -------------------------------------------------------------------------------------

    private static int xConnect(MemorySegment db, MemorySegment aux, int argc, MemorySegment argv,
            MemorySegment ppVtab, MemorySegment pzErr) {
        try {
            Table table = TABLES.get(aux.address());
            if (table == null) {
                return Sqlite.SQLITE_ERROR;
            }
            try (Arena arena = Arena.ofConfined()) {
                int rc = (int) Sqlite.declare_vtab.invokeExact(db, arena.allocateFrom(table.spec().createTableSql()));
                if (rc != Sqlite.SQLITE_OK) {
                    return rc;
                }
            }
            MemorySegment vtab = ((MemorySegment) Sqlite.malloc.invokeExact((int) VTAB_SIZE)).reinterpret(VTAB_SIZE);
            if (vtab.address() == 0) {
                return Sqlite.SQLITE_NOMEM;
            }
            vtab.fill((byte) 0);
            vtab.set(JAVA_LONG, VTAB_TABLE_ID, aux.address());
            ppVtab.reinterpret(8).set(ADDRESS, 0, vtab);
            return Sqlite.SQLITE_OK;
        } catch (Throwable t) {
            pzErr.reinterpret(8).set(ADDRESS, 0, Sqlite.mallocString("cannot declare table: " + t));
            return Sqlite.SQLITE_ERROR;
        }
    }

    private static int xDisconnect(MemorySegment vtab) {
        try {
            Sqlite.free.invokeExact(vtab);
        } catch (Throwable t) {
            // nothing sensible to do; SQLite ignores the result
        }
        return Sqlite.SQLITE_OK;
    }

    private static Table tableOf(MemorySegment vtab) {
        return TABLES.get(vtab.reinterpret(VTAB_SIZE).get(JAVA_LONG, VTAB_TABLE_ID));
    }

    /**
     * Offers every usable =, IN, <, <=, >, >=, LIKE and GLOB constraint to the table (SQLite re-checks them
     * all: omit stays 0), takes IN lists all at once, and refuses ({@code SQLITE_CONSTRAINT}) a plan in
     * which none of the table's required columns is constrained.
     *
     * <p>sqlite3_index_info: nConstraint@0, aConstraint@8, nOrderBy@16, aOrderBy@24, aConstraintUsage@32,
     * idxNum@40, idxStr@48, needToFreeIdxStr@56, orderByConsumed@60, estimatedCost@64, estimatedRows@72,
     * idxFlags@80, colUsed@88. sqlite3_index_constraint is {int iColumn; u8 op; u8 usable; int
     * iTermOffset} (12 bytes); the usage is {int argvIndex; u8 omit} (8 bytes).
     */
    private static int xBestIndex(MemorySegment vtab, MemorySegment infoPtr) {
        try {
            Table table = tableOf(vtab);
            TableSpec spec = table.spec();
            MemorySegment info = infoPtr.reinterpret(96);
            int n = info.get(JAVA_INT, 0);
            MemorySegment constraints = info.get(ADDRESS, 8).reinterpret(12L * n);
            MemorySegment usage = info.get(ADDRESS, 32).reinterpret(8L * n);
            long colUsed = info.get(JAVA_LONG, 88);

            StringBuilder idx = new StringBuilder(Long.toHexString(colUsed));
            int argv = 0;
            double cost = 1_000_000;
            boolean requiredMet = spec.requiredColumns().isEmpty();
            for (int i = 0; i < n; i++) {
                int column = constraints.get(JAVA_INT, 12L * i);
                int op = constraints.get(JAVA_BYTE, 12L * i + 4) & 0xff;
                boolean usable = constraints.get(JAVA_BYTE, 12L * i + 5) != 0;
                Operator operator = operator(op);
                if (!usable || operator == null || column < 0 || column >= spec.columns().size()) {
                    continue;
                }
                boolean in = false;
                if (operator == Operator.EQ && (int) Sqlite.vtab_in.invokeExact(infoPtr, i, -1) != 0) {
                    int ignored = (int) Sqlite.vtab_in.invokeExact(infoPtr, i, 1);
                    in = true;
                }
                usage.set(JAVA_INT, 8L * i, ++argv);
                idx.append(';').append(column).append(':').append(operator.ordinal()).append(in ? ":i" : "");
                ColumnSpec c = spec.columns().get(column);
                boolean keyed = c.has(ColumnFlag.INDEX) || c.has(ColumnFlag.REQUIRED) || c.has(ColumnFlag.OPTIMIZED);
                boolean pattern = (operator == Operator.LIKE || operator == Operator.GLOB)
                        && spec.patternColumns().contains(c.name());
                if (operator == Operator.EQ) {
                    cost /= keyed ? 1000 : 10;
                } else if (pattern) {
                    cost /= 100;
                } else if (keyed) {
                    cost /= 2;
                }
                if (c.has(ColumnFlag.REQUIRED) && (operator == Operator.EQ || pattern)) {
                    requiredMet = true;
                }
            }
            if (!requiredMet) {
                QueryState state = QueryState.CURRENT.get();
                if (state != null) {
                    state.refusal = requiredMessage(spec);
                }
                return Sqlite.SQLITE_CONSTRAINT;
            }
            info.set(ADDRESS, 48, Sqlite.mallocString(idx.toString()));
            info.set(JAVA_INT, 56, 1);
            info.set(JAVA_DOUBLE, 64, Math.max(cost, 1));
            info.set(JAVA_LONG, 72, (long) Math.max(cost / 10, 1));
            return Sqlite.SQLITE_OK;
        } catch (Throwable t) {
            setError(vtab, "planning failed: " + t);
            return Sqlite.SQLITE_ERROR;
        }
    }

    static String requiredMessage(TableSpec spec) {
        List<String> required = spec.requiredColumns();
        String columns = String.join(" or ", required);
        String how = spec.patternColumns().isEmpty() ? "an equality (= or IN)" : "an equality (= or IN) or LIKE";
        return "table '" + spec.name() + "' requires " + how + " constraint on " + columns
                + ", e.g. SELECT * FROM " + spec.name() + " WHERE " + required.getFirst() + " = '…'";
    }

    private static Operator operator(int op) {
        return switch (op) {
            case Sqlite.SQLITE_INDEX_CONSTRAINT_EQ -> Operator.EQ;
            case Sqlite.SQLITE_INDEX_CONSTRAINT_GT -> Operator.GT;
            case Sqlite.SQLITE_INDEX_CONSTRAINT_GE -> Operator.GE;
            case Sqlite.SQLITE_INDEX_CONSTRAINT_LT -> Operator.LT;
            case Sqlite.SQLITE_INDEX_CONSTRAINT_LE -> Operator.LE;
            case Sqlite.SQLITE_INDEX_CONSTRAINT_LIKE -> Operator.LIKE;
            case Sqlite.SQLITE_INDEX_CONSTRAINT_GLOB -> Operator.GLOB;
            default -> null;
        };
    }

    private static int xOpen(MemorySegment vtab, MemorySegment ppCursor) {
        try {
            MemorySegment cursor = ((MemorySegment) Sqlite.malloc.invokeExact((int) CURSOR_SIZE)).reinterpret(CURSOR_SIZE);
            if (cursor.address() == 0) {
                return Sqlite.SQLITE_NOMEM;
            }
            cursor.fill((byte) 0);
            CURSORS.put(cursor.address(), new Cursor(tableOf(vtab), vtab.reinterpret(VTAB_SIZE)));
            ppCursor.reinterpret(8).set(ADDRESS, 0, cursor);
            return Sqlite.SQLITE_OK;
        } catch (Throwable t) {
            setError(vtab, "cannot open cursor: " + t);
            return Sqlite.SQLITE_ERROR;
        }
    }

    private static int xClose(MemorySegment cursor) {
        try {
            Cursor c = CURSORS.remove(cursor.address());
            if (c != null) {
                c.close();
            }
            Sqlite.free.invokeExact(cursor);
        } catch (Throwable t) {
            // xClose cannot fail usefully
        }
        return Sqlite.SQLITE_OK;
    }

    private static int xFilter(MemorySegment cursor, int idxNum, MemorySegment idxStr, int argc, MemorySegment argv) {
        Cursor c = CURSORS.get(cursor.address());
        if (c == null) {
            return Sqlite.SQLITE_ERROR;
        }
        try {
            String idx = Sqlite.string(idxStr);
            TableSpec spec = c.table.spec();
            if (PLANS.size() > MAX_PLANS) {
                PLANS.clear(); // column sets are part of a plan: clients choosing ever new ones must not grow it forever
            }
            Plan plan = PLANS.computeIfAbsent(spec.name() + '/' + idx, key -> Plan.parse(idx, spec));
            MemorySegment args = argv.reinterpret(8L * argc);
            List<Constraint> constraints = new ArrayList<>(plan.terms.size());
            for (int i = 0; i < plan.terms.size() && i < argc; i++) {
                Term term = plan.terms.get(i);
                MemorySegment value = args.getAtIndex(ADDRESS, i);
                if (term.in) {
                    constraints.add(new Constraint(term.column, Operator.IN, inValues(value)));
                } else {
                    constraints.add(Constraint.of(term.column, term.operator, value(value)));
                }
            }
            c.start(constraints, plan.used);
            return Sqlite.SQLITE_OK;
        } catch (Throwable t) {
            return c.fail(t);
        }
    }

    private static int xNext(MemorySegment cursor) {
        Cursor c = CURSORS.get(cursor.address());
        if (c == null) {
            return Sqlite.SQLITE_ERROR;
        }
        try {
            c.advance();
            return Sqlite.SQLITE_OK;
        } catch (Throwable t) {
            return c.fail(t);
        }
    }

    private static int xEof(MemorySegment cursor) {
        Cursor c = CURSORS.get(cursor.address());
        return c == null || c.row == null ? 1 : 0;
    }

    private static int xColumn(MemorySegment cursor, MemorySegment context, int column) {
        Cursor c = CURSORS.get(cursor.address());
        if (c == null) {
            return Sqlite.SQLITE_ERROR;
        }
        try {
            Object value = c.row[column];
            switch (value) {
                case null -> Sqlite.result_null.invokeExact(context);
                case Long l -> Sqlite.result_int64.invokeExact(context, (long) l);
                case Double d -> Sqlite.result_double.invokeExact(context, (double) d);
                case String s -> {
                    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                    Sqlite.result_text.invokeExact(context, c.scratch(bytes), bytes.length, Sqlite.TRANSIENT);
                }
                case byte[] b -> Sqlite.result_blob.invokeExact(context, c.scratch(b), b.length, Sqlite.TRANSIENT);
                default -> throw new IllegalStateException("column " + column + " holds a " + value.getClass());
            }
            return Sqlite.SQLITE_OK;
        } catch (Throwable t) {
            return c.fail(t);
        }
    }

    private static int xRowid(MemorySegment cursor, MemorySegment pRowid) {
        Cursor c = CURSORS.get(cursor.address());
        pRowid.reinterpret(8).set(JAVA_LONG, 0, c == null ? 0 : c.rowid);
        return Sqlite.SQLITE_OK;
    }

    // ---- values --------------------------------------------------------------------------------------

    static Object value(MemorySegment value) throws Throwable {
        int type = (int) Sqlite.value_type.invokeExact(value);
        return switch (type) {
            case Sqlite.SQLITE_INTEGER -> (long) Sqlite.value_int64.invokeExact(value);
            case Sqlite.SQLITE_FLOAT -> (double) Sqlite.value_double.invokeExact(value);
            case Sqlite.SQLITE_TEXT -> {
                MemorySegment text = (MemorySegment) Sqlite.value_text.invokeExact(value);
                int length = (int) Sqlite.value_bytes.invokeExact(value);
                yield Sqlite.string(text, length);
            }
            case Sqlite.SQLITE_BLOB -> {
                MemorySegment blob = (MemorySegment) Sqlite.value_blob.invokeExact(value);
                int length = (int) Sqlite.value_bytes.invokeExact(value);
                yield length == 0 ? new byte[0] : blob.reinterpret(length).toArray(JAVA_BYTE);
            }
            default -> null;
        };
    }

    private static List<Object> inValues(MemorySegment list) throws Throwable {
        List<Object> values = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = (int) Sqlite.vtab_in_first.invokeExact(list, out);
            while (rc == Sqlite.SQLITE_OK && out.get(ADDRESS, 0).address() != 0) {
                values.add(value(out.get(ADDRESS, 0)));
                rc = (int) Sqlite.vtab_in_next.invokeExact(list, out);
            }
            if (rc != Sqlite.SQLITE_OK && rc != Sqlite.SQLITE_DONE) {
                throw new IllegalStateException("reading the IN list failed with SQLite code " + rc);
            }
        }
        return values;
    }

    static void setError(MemorySegment vtab, String message) {
        try {
            MemorySegment v = vtab.reinterpret(VTAB_SIZE);
            MemorySegment old = v.get(ADDRESS, VTAB_ERRMSG);
            if (old.address() != 0) {
                Sqlite.free.invokeExact(old);
            }
            v.set(ADDRESS, VTAB_ERRMSG, Sqlite.mallocString(message));
        } catch (Throwable t) {
            // leave the message unset; SQLite reports a generic error
        }
    }

    // ---- plans and cursors ----------------------------------------------------------------------------

    private record Term(String column, Operator operator, boolean in) {
    }

    /** A parsed idxStr: {@code <colUsed hex>;<column>:<operator ordinal>[:i];…}. */
    private record Plan(List<Term> terms, BitSet used) {
        static Plan parse(String idxStr, TableSpec spec) {
            String[] parts = idxStr.split(";");
            long colUsed = Long.parseUnsignedLong(parts[0], 16);
            int columns = spec.columns().size();
            BitSet used = new BitSet(columns);
            for (int i = 0; i < columns; i++) {
                if ((colUsed & (1L << Math.min(i, 63))) != 0) {
                    used.set(i);
                }
            }
            List<Term> terms = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                String[] t = parts[i].split(":");
                terms.add(new Term(spec.columns().get(Integer.parseInt(t[0])).name(),
                        Operator.values()[Integer.parseInt(t[1])], t.length > 2));
            }
            return new Plan(List.copyOf(terms), used);
        }
    }

    /** The Java side of one {@code sqlite3_vtab_cursor}; used by one SQLite thread at a time. */
    private static final class Cursor {
        final Table table;
        final MemorySegment vtab;
        Scan scan;
        List<Object[]> batch = List.of();
        int position;
        Object[] row;
        long rowid;
        MemorySegment scratch = MemorySegment.NULL;

        Cursor(Table table, MemorySegment vtab) {
            this.table = table;
            this.vtab = vtab;
        }

        void start(List<Constraint> constraints, BitSet used) throws Exception {
            stopScan();
            rowid = 0;
            QueryState state = QueryState.CURRENT.get();
            if (state == null) {
                throw new IllegalStateException("a scan of '" + table.spec().name() + "' outside a query of the engine");
            }
            String denial = state.access.tableDenial(table.spec());
            if (denial != null) {
                // the authorizer refused the statement already; this keeps any generator of a forbidden table from
                // running should a statement ever reach it another way
                throw new dev.hostquery.api.PermissionDeniedException(denial);
            }
            scan = new Scan(table, constraints, used, state);
            if (!table.streams()) {
                List<Object[]> rows = new ArrayList<>();
                QueryContext context = scan.context();
                scan = null;
                table.generate(context, values -> rows.add(values));
                batch = rows;
                position = 0;
                row = rows.isEmpty() ? null : rows.getFirst();
                rowid = row == null ? 0 : 1;
                return;
            }
            scan.start(state.tableThreads);
            advance();
        }

        void advance() throws Exception {
            if (position + 1 < batch.size()) {
                row = batch.get(++position);
                rowid++;
                return;
            }
            if (scan == null) {
                row = null; // a table that does not stream delivered everything at once
                return;
            }
            QueryState state = QueryState.CURRENT.get();
            long timeout = state == null ? Long.MAX_VALUE : state.remainingNanos();
            try {
                List<Object[]> next = scan.next(timeout);
                if (next == null) {
                    batch = List.of();
                    row = null;
                } else {
                    batch = next;
                    position = 0;
                    row = next.getFirst();
                    rowid++;
                }
            } catch (TimeoutException | java.util.concurrent.CancellationException e) {
                if (state != null) {
                    state.markEnded();
                }
                throw new IllegalStateException("the query ended while table '" + table.spec().name() + "' was producing rows");
            }
        }

        MemorySegment scratch(byte[] bytes) throws Throwable {
            if (scratch.byteSize() < bytes.length) {
                if (scratch.address() != 0) {
                    Sqlite.free.invokeExact(scratch);
                }
                int size = Math.max(256, Integer.highestOneBit(Math.max(bytes.length, 1)) << 1);
                MemorySegment p = (MemorySegment) Sqlite.malloc.invokeExact(size);
                if (p.address() == 0) {
                    throw new OutOfMemoryError("sqlite3_malloc(" + size + ") failed");
                }
                scratch = p.reinterpret(size);
            }
            MemorySegment.copy(bytes, 0, scratch, JAVA_BYTE, 0, bytes.length);
            return scratch;
        }

        int fail(Throwable t) {
            Throwable cause = t instanceof Scan.GeneratorException g ? g.getCause() : t;
            QueryState state = QueryState.CURRENT.get();
            if (state != null && cause instanceof QueryException q && state.engineFailure == null) {
                state.engineFailure = q;
            } else if (state != null && cause instanceof QueryCancelledException) {
                state.markEnded(); // the table stopped because the query ended: report why it ended
            } else if (state != null && state.tableFailure == null && state.violated == null) {
                state.tableFailure = cause;
                state.failedTable = table.spec().name();
            }
            String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
            setError(vtab, "table '" + table.spec().name() + "': " + message);
            return Sqlite.SQLITE_ERROR;
        }

        private void stopScan() {
            if (scan != null) {
                scan.cancel();
                scan = null;
            }
            batch = List.of();
            position = 0;
            row = null;
        }

        void close() throws Throwable {
            stopScan();
            if (scratch.address() != 0) {
                Sqlite.free.invokeExact(scratch);
                scratch = MemorySegment.NULL;
            }
        }
    }
}
