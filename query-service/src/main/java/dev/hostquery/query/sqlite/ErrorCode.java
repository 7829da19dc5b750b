package dev.hostquery.query.sqlite;

/**
 * Stable error codes a client can switch on; the same in REST problem documents and gRPC statuses.
 * The HTTP status is the one REST answers with.
 */
public enum ErrorCode {
    /** The request itself is malformed: no SQL, several statements, a bad limit. */
    BAD_REQUEST(400),
    /** SQLite could not parse or plan the SQL; the message is SQLite's, with the position where known. */
    SQL_SYNTAX(400),
    UNKNOWN_TABLE(400),
    UNKNOWN_COLUMN(400),
    /** A table with required columns was queried without a constraint on any of them. */
    REQUIRED_CONSTRAINT(400),
    /** A table could not use a constraint's value (a relative path for {@code file}, say). */
    INVALID_CONSTRAINT(400),
    /** The SQL tried to write, attach, or change state: queries are read-only. */
    READ_ONLY(403),
    /**
     * The principal may not read a table or a path the query names: its roles do not allow it. The message names
     * the role that would.
     */
    FORBIDDEN(403),
    /** The request carried no credentials, or credentials nobody issued (an unknown token, a bad certificate). */
    UNAUTHENTICATED(401),
    /** The query broke its time, row, result-size or memory limit and was stopped. */
    LIMIT_EXCEEDED(422),
    /** Every connection stayed busy until the query's time limit, or a bounded resource is full. */
    BUSY(503),
    /** The client cancelled the query or went away; nobody is usually left to read this. */
    CANCELLED(499),
    /** SQLite stopped the query with an error while it ran (e.g. integer overflow in sum()). */
    SQL_ERROR(400),
    /** A table failed while producing rows. */
    TABLE_ERROR(500),
    INTERNAL(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The code as clients see it, e.g. {@code required_constraint}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
