package dev.hostquery.query.sqlite;

/**
 * Per-query limits. Zero in a request means "the server's limit"; a request may only lower a limit.
 *
 * @param timeoutMillis  wall-clock time from taking a connection to the last row, milliseconds
 * @param maxRows        rows in the result
 * @param maxResultBytes size of the result's values: UTF-8 bytes of text, bytes of blobs, 8 per number
 */
public record QueryLimits(long timeoutMillis, long maxRows, long maxResultBytes) {
    public static final QueryLimits NONE_REQUESTED = new QueryLimits(0, 0, 0);

    public QueryLimits {
        if (timeoutMillis < 0 || maxRows < 0 || maxResultBytes < 0) {
            throw new QueryException(ErrorCode.BAD_REQUEST, "limits must not be negative: timeout_ms="
                    + timeoutMillis + ", max_rows=" + maxRows + ", max_result_bytes=" + maxResultBytes);
        }
    }

    /** These limits (the server's) lowered by a request's; a request's zero keeps the server's value. */
    public QueryLimits narrow(QueryLimits requested) {
        if (requested == null) {
            return this;
        }
        return new QueryLimits(lower(timeoutMillis, requested.timeoutMillis), lower(maxRows, requested.maxRows),
                lower(maxResultBytes, requested.maxResultBytes));
    }

    private static long lower(long server, long request) {
        return request == 0 ? server : Math.min(server, request);
    }
}
