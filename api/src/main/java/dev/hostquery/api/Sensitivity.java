package dev.hostquery.api;

/**
 * How much a table's rows reveal, which decides the role a principal needs to read it (README, "Security").
 * Declared with the table ({@link TableSpec.Builder#sensitive}, {@link TableSpec.Builder#sensitivePaths}), shown
 * in the catalog with its reason.
 */
public enum Sensitivity {
    /** Readable with the {@code reader} role: what any local user of the host could see anyway. */
    NONE,
    /** Readable only with a role that allows sensitive tables ({@code sensitive}, {@code admin}, or one named it). */
    SENSITIVE,
    /**
     * Readable with {@code reader} for paths under {@code hostquery.security.reader-paths}; any other path needs a
     * role that allows sensitive tables. The table checks each path it reads ({@link QueryContext#checkPath}).
     */
    PATHS
}
