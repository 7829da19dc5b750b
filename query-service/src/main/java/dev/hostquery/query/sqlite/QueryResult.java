package dev.hostquery.query.sqlite;

import java.util.List;

/**
 * A whole query result.
 *
 * @param columns      result columns
 * @param rows         rows, one value per column (see {@link ResultHandler#row})
 * @param elapsedNanos time from taking a connection to the last row
 * @param tables       the catalog tables the statement read (through views too), canonical names
 */
public record QueryResult(List<ResultColumn> columns, List<Object[]> rows, long elapsedNanos, java.util.Set<String> tables) {
    public QueryResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        tables = java.util.Set.copyOf(tables);
    }
}
