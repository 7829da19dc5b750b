package dev.hostquery.query.sqlite;

import static java.util.Objects.requireNonNull;

/**
 * A column of a query result.
 *
 * @param name the result column's name as SQLite gives it (the alias where there is one)
 * @param type the declared type for a table column (TEXT, INTEGER, BIGINT, UNSIGNED BIGINT, DOUBLE, BLOB);
 *             for an expression, the SQLite storage class of its first non-null value (INTEGER, REAL, TEXT,
 *             BLOB), or NULL when it has none
 */
public record ResultColumn(String name, String type) {
    public ResultColumn {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}
