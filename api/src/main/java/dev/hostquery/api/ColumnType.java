package dev.hostquery.api;

import java.util.Locale;

/**
 * SQL type of a column, spelled as osquery spells it in its table specs and in the {@code CREATE TABLE}
 * statement handed to SQLite.
 *
 * <p>Java values a table writes into a row: {@link Long} for {@link #INTEGER}, {@link #BIGINT} and
 * {@link #UNSIGNED_BIGINT}; {@link Double} for {@link #DOUBLE}; {@link String} for {@link #TEXT};
 * {@code byte[]} for {@link #BLOB}; {@code null} for a value that could not be read.
 */
public enum ColumnType {
    TEXT("TEXT"),
    INTEGER("INTEGER"),
    BIGINT("BIGINT"),
    UNSIGNED_BIGINT("UNSIGNED BIGINT"),
    DOUBLE("DOUBLE"),
    BLOB("BLOB");

    private final String sqlName;

    ColumnType(String sqlName) {
        this.sqlName = sqlName;
    }

    /** The name used in SQL and in the catalog, e.g. {@code "UNSIGNED BIGINT"}. */
    public String sqlName() {
        return sqlName;
    }

    /** True for the three integer types, whose Java value is a {@link Long}. */
    public boolean isInteger() {
        return this == INTEGER || this == BIGINT || this == UNSIGNED_BIGINT;
    }

    /**
     * Parses an osquery SQL type name.
     *
     * @throws IllegalArgumentException naming the type when it is not one of osquery's
     */
    public static ColumnType fromSqlName(String name) {
        String normal = name.trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        for (ColumnType type : values()) {
            if (type.sqlName.equals(normal)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown column type '" + name + "'");
    }
}
