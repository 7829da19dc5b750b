package dev.hostquery.api;

/** osquery's column flags, with the meaning hostquery's engine gives them. */
public enum ColumnFlag {
    /** An equality constraint on this column is cheap: the planner prefers plans that push it down. */
    INDEX,
    /**
     * The table cannot be scanned without an equality (or IN, or LIKE where the table says so) constraint on
     * one of its required columns; a query without one fails with {@code required_constraint}.
     */
    REQUIRED,
    /** The column changes which rows exist (a constraint on it widens the result, e.g. {@code include_remote}). */
    ADDITIONAL,
    /** Left out of {@code SELECT *}; selectable by name. */
    HIDDEN,
    /** The table uses constraints on this column to do less work. */
    OPTIMIZED
}
