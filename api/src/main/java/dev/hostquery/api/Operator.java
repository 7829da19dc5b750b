package dev.hostquery.api;

/**
 * A comparison pushed down to a table. SQLite re-checks every constraint on the rows a table returns, so a
 * table may use a constraint to do less work, or ignore it: the result is correct either way.
 */
public enum Operator {
    /** {@code col = v}; values holds one value. */
    EQ("="),
    /** {@code col IN (v1, v2, …)}, all values at once (SQLite's {@code sqlite3_vtab_in}). */
    IN("IN"),
    GT(">"),
    GE(">="),
    LT("<"),
    LE("<="),
    /** {@code col LIKE pattern}, SQLite semantics: {@code %}, {@code _}, ASCII case-insensitive. */
    LIKE("LIKE"),
    /** {@code col GLOB pattern}, case-sensitive {@code *}, {@code ?}. */
    GLOB("GLOB");

    private final String symbol;

    Operator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }
}
