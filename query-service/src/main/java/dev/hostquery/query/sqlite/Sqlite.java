package dev.hostquery.query.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * FFM bindings to the system SQLite library ({@code libsqlite3.so.0}, at least 3.38 for
 * {@code sqlite3_vtab_in}). Names and constants follow {@code sqlite3.h}; see https://sqlite.org/c3ref/.
 *
 * <p>Every handle is invoked with {@code invokeExact}; callers pass {@link MemorySegment}s for pointers.
 */
final class Sqlite {
    // Result codes (sqlite3.h "Result Codes").
    static final int SQLITE_OK = 0;
    static final int SQLITE_ERROR = 1;
    static final int SQLITE_INTERRUPT = 9;
    static final int SQLITE_NOMEM = 7;
    static final int SQLITE_CONSTRAINT = 19;
    static final int SQLITE_AUTH = 23;
    static final int SQLITE_ROW = 100;
    static final int SQLITE_DONE = 101;

    // Fundamental datatypes.
    static final int SQLITE_INTEGER = 1;
    static final int SQLITE_FLOAT = 2;
    static final int SQLITE_TEXT = 3;
    static final int SQLITE_BLOB = 4;
    static final int SQLITE_NULL = 5;
    static final int SQLITE_UTF8 = 1;
    /** sqlite3_create_function_v2 flag: the same arguments always give the same result. */
    static final int SQLITE_DETERMINISTIC = 0x000000800;

    // sqlite3_open_v2 flags.
    static final int SQLITE_OPEN_READWRITE = 0x00000002;
    static final int SQLITE_OPEN_CREATE = 0x00000004;
    static final int SQLITE_OPEN_MEMORY = 0x00000080;
    static final int SQLITE_OPEN_NOMUTEX = 0x00008000;
    static final int SQLITE_OPEN_EXRESCODE = 0x02000000;

    // Authorizer return codes and action codes.
    static final int SQLITE_DENY = 1;
    static final int SQLITE_IGNORE = 2;
    static final int SQLITE_PRAGMA = 19;
    static final int SQLITE_READ = 20;
    static final int SQLITE_SELECT = 21;
    static final int SQLITE_FUNCTION = 31;
    static final int SQLITE_RECURSIVE = 33;

    // sqlite3_index_constraint.op values.
    static final int SQLITE_INDEX_CONSTRAINT_EQ = 2;
    static final int SQLITE_INDEX_CONSTRAINT_GT = 4;
    static final int SQLITE_INDEX_CONSTRAINT_LE = 8;
    static final int SQLITE_INDEX_CONSTRAINT_LT = 16;
    static final int SQLITE_INDEX_CONSTRAINT_GE = 32;
    static final int SQLITE_INDEX_CONSTRAINT_LIKE = 65;
    static final int SQLITE_INDEX_CONSTRAINT_GLOB = 66;

    // sqlite3_limit categories.
    static final int SQLITE_LIMIT_LENGTH = 0;
    static final int SQLITE_LIMIT_SQL_LENGTH = 1;
    static final int SQLITE_LIMIT_ATTACHED = 7;

    /** {@code SQLITE_TRANSIENT}: SQLite copies the buffer before the call returns. */
    static final MemorySegment TRANSIENT = MemorySegment.ofAddress(-1L);

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB;

    static {
        try {
            LIB = SymbolLookup.libraryLookup("libsqlite3.so.0", Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot load the system SQLite library libsqlite3.so.0 "
                    + "(Debian package libsqlite3-0): " + e.getMessage(), e);
        }
    }

    static final MethodHandle open_v2 = fn("sqlite3_open_v2", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
    static final MethodHandle close_v2 = fn("sqlite3_close_v2", JAVA_INT, ADDRESS);
    static final MethodHandle prepare_v2 = fn("sqlite3_prepare_v2", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle step = fn("sqlite3_step", JAVA_INT, ADDRESS);
    static final MethodHandle exec = fn("sqlite3_exec", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle reset = fn("sqlite3_reset", JAVA_INT, ADDRESS);
    static final MethodHandle clear_bindings = fn("sqlite3_clear_bindings", JAVA_INT, ADDRESS);
    static final MethodHandle bind_int64 = fn("sqlite3_bind_int64", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG);
    static final MethodHandle bind_text = fn("sqlite3_bind_text", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    static final MethodHandle finalize_ = fn("sqlite3_finalize", JAVA_INT, ADDRESS);
    static final MethodHandle column_count = fn("sqlite3_column_count", JAVA_INT, ADDRESS);
    static final MethodHandle column_name = fn("sqlite3_column_name", ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle column_decltype = fn("sqlite3_column_decltype", ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle column_type = fn("sqlite3_column_type", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle column_int64 = fn("sqlite3_column_int64", JAVA_LONG, ADDRESS, JAVA_INT);
    static final MethodHandle column_double = fn("sqlite3_column_double", JAVA_DOUBLE, ADDRESS, JAVA_INT);
    static final MethodHandle column_text = fn("sqlite3_column_text", ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle column_blob = fn("sqlite3_column_blob", ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle column_bytes = fn("sqlite3_column_bytes", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle stmt_readonly = fn("sqlite3_stmt_readonly", JAVA_INT, ADDRESS);
    static final MethodHandle errmsg = fn("sqlite3_errmsg", ADDRESS, ADDRESS);
    static final MethodHandle errstr = fn("sqlite3_errstr", ADDRESS, JAVA_INT);
    static final MethodHandle error_offset = fn("sqlite3_error_offset", JAVA_INT, ADDRESS);
    static final MethodHandle create_module_v2 = fn("sqlite3_create_module_v2", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle create_collation_v2 = fn("sqlite3_create_collation_v2", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle declare_vtab = fn("sqlite3_declare_vtab", JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle result_int64 = fn("sqlite3_result_int64", null, ADDRESS, JAVA_LONG);
    static final MethodHandle result_double = fn("sqlite3_result_double", null, ADDRESS, JAVA_DOUBLE);
    static final MethodHandle result_text = fn("sqlite3_result_text", null, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
    static final MethodHandle result_blob = fn("sqlite3_result_blob", null, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
    static final MethodHandle result_null = fn("sqlite3_result_null", null, ADDRESS);
    static final MethodHandle result_error = fn("sqlite3_result_error", null, ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle user_data = fn("sqlite3_user_data", ADDRESS, ADDRESS);
    static final MethodHandle create_function_v2 = fn("sqlite3_create_function_v2", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT,
            JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle value_type = fn("sqlite3_value_type", JAVA_INT, ADDRESS);
    static final MethodHandle value_int64 = fn("sqlite3_value_int64", JAVA_LONG, ADDRESS);
    static final MethodHandle value_double = fn("sqlite3_value_double", JAVA_DOUBLE, ADDRESS);
    static final MethodHandle value_text = fn("sqlite3_value_text", ADDRESS, ADDRESS);
    static final MethodHandle value_blob = fn("sqlite3_value_blob", ADDRESS, ADDRESS);
    static final MethodHandle value_bytes = fn("sqlite3_value_bytes", JAVA_INT, ADDRESS);
    static final MethodHandle vtab_in = fn("sqlite3_vtab_in", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    static final MethodHandle vtab_in_first = fn("sqlite3_vtab_in_first", JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle vtab_in_next = fn("sqlite3_vtab_in_next", JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle set_authorizer = fn("sqlite3_set_authorizer", JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle progress_handler = fn("sqlite3_progress_handler", null, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle interrupt = fn("sqlite3_interrupt", null, ADDRESS);
    static final MethodHandle hard_heap_limit64 = fn("sqlite3_hard_heap_limit64", JAVA_LONG, JAVA_LONG);
    static final MethodHandle memory_used = fn("sqlite3_memory_used", JAVA_LONG);
    static final MethodHandle limit = fn("sqlite3_limit", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    static final MethodHandle malloc = fn("sqlite3_malloc", ADDRESS, JAVA_INT);
    static final MethodHandle free = fn("sqlite3_free", null, ADDRESS);
    static final MethodHandle libversion_number = fn("sqlite3_libversion_number", JAVA_INT);
    static final MethodHandle libversion = fn("sqlite3_libversion", ADDRESS);

    private Sqlite() {
    }

    private static MethodHandle fn(String name, java.lang.foreign.MemoryLayout result, java.lang.foreign.MemoryLayout... args) {
        MemorySegment symbol = LIB.find(name).orElseThrow(() -> new IllegalStateException(
                "libsqlite3.so.0 has no symbol " + name + " (SQLite 3.38 or newer is required)"));
        FunctionDescriptor descriptor = result == null ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(result, args);
        return LINKER.downcallHandle(symbol, descriptor);
    }

    /** Reads a NUL-terminated UTF-8 string SQLite owns; null for a NULL pointer. */
    static String string(MemorySegment pointer) {
        if (pointer.address() == 0) {
            return null;
        }
        return pointer.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }

    /** Copies {@code length} bytes SQLite owns into a Java string. */
    static String string(MemorySegment pointer, int length) {
        if (pointer.address() == 0) {
            return length == 0 ? "" : null;
        }
        byte[] bytes = pointer.reinterpret(length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A NUL-terminated copy of {@code text} in memory from {@code sqlite3_malloc}, for {@code zErrMsg}. */
    static MemorySegment mallocString(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            MemorySegment p = (MemorySegment) malloc.invokeExact(bytes.length + 1);
            if (p.address() == 0) {
                return MemorySegment.NULL;
            }
            p = p.reinterpret(bytes.length + 1);
            MemorySegment.copy(bytes, 0, p, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes.length);
            p.set(java.lang.foreign.ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
            return p;
        } catch (Throwable t) {
            return MemorySegment.NULL;
        }
    }

    /** Bytes SQLite has allocated in this process now (sqlite3_memory_used). */
    static long memoryUsed() {
        try {
            return (long) memory_used.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int versionNumber() {
        try {
            return (int) libversion_number.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static String version() {
        try {
            return string((MemorySegment) libversion.invokeExact());
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Wraps a Throwable from {@code invokeExact} (which cannot throw checked exceptions in practice). */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
