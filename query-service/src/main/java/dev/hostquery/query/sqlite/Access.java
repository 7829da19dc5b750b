package dev.hostquery.query.sqlite;

import dev.hostquery.api.QueryContext;
import dev.hostquery.api.TableSpec;

/**
 * What one principal may read, as the engine enforces it: the SQLite authorizer asks {@link #tableDenial} for every
 * table a statement reads (through joins, subqueries, CTEs and views alike), and tables that read files ask
 * {@link #paths()} for each path. Implemented by the security layer from the principal's roles.
 */
public interface Access {
    /** Everything: the service's own queries, and callers of an engine without security (tests, benchmarks). */
    Access ALL = new Access() {
        @Override
        public String tableDenial(TableSpec table) {
            return null;
        }

        @Override
        public QueryContext.PathAccess paths() {
            return QueryContext.PathAccess.ALL;
        }

        @Override
        public String toString() {
            return "all tables";
        }
    };

    /**
     * Null when the principal may read {@code table}; else why not, in words that name the table and the role
     * that would allow it (the message of the {@code forbidden} error).
     */
    String tableDenial(TableSpec table);

    /** Which paths the principal may read through tables of {@link dev.hostquery.api.Sensitivity#PATHS}. */
    QueryContext.PathAccess paths();
}
