package dev.hostquery.query.sqlite;

import java.util.List;

/**
 * A whole query result.
 *
 * @param columns      result columns
 * @param rows         rows, one value per column (see {@link ResultHandler#row})
 * @param elapsedNanos time from taking a connection to the last row
 */
public record QueryResult(List<ResultColumn> columns, List<Object[]> rows, long elapsedNanos) {
    public QueryResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
