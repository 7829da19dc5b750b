package dev.hostquery.query.sqlite;

import static java.util.Objects.requireNonNull;

/**
 * A query that failed, with a stable {@link ErrorCode} and a message a person can act on.
 * {@link #position()} is the 0-based character offset in the SQL that SQLite blamed, or -1;
 * {@link #limit()} names the limit that was broken ({@code timeout_ms}, {@code max_rows},
 * {@code max_result_bytes}, {@code memory}) for {@link ErrorCode#LIMIT_EXCEEDED}, else null.
 */
public final class QueryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final int position;
    private final String limit;

    public QueryException(ErrorCode code, String message) {
        this(code, message, -1, null);
    }

    public QueryException(ErrorCode code, String message, int position, String limit) {
        super(requireNonNull(message, "message is null"));
        this.code = requireNonNull(code, "code is null");
        this.position = position;
        this.limit = limit;
    }

    public ErrorCode code() {
        return code;
    }

    public int position() {
        return position;
    }

    public String limit() {
        return limit;
    }
}
