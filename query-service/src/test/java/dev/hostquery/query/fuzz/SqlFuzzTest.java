package dev.hostquery.query.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hostquery.query.sqlite.QueryException;
import dev.hostquery.query.sqlite.QueryLimits;

/**
 * The SQL entry point under arbitrary SQL: every input ends as a result or a {@link QueryException} with a code,
 * within its time limit; never another exception, a hang or a dead JVM. SQL keywords and table names are mixed
 * into the input so that the fuzzer reaches the planner and the tables, not only the parser.
 */
class SqlFuzzTest extends EngineFuzzing {
    private static final String[] WORDS = {"SELECT ", " FROM ", " WHERE ", " JOIN ", " UNION ", " LIKE ", " IN (", ")", "(",
        "generated", "echo", "endless", "json_each('[1,2]')", "sqlite_stmt", "pragma_table_info('echo')", " LIMIT 3", "*",
        "count(*)", "id", "value", "name", " = ", "'", "%", " GROUP BY ", " ORDER BY ", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) ",
        "randomblob(1000)", "zeroblob(100000000)", "?1", "ATTACH ", "PRAGMA ", ";", "--", "/*", "char(0)"};
    @FuzzTest(maxDuration = "60s")
    void anySqlEndsInAResultOrACodedError(FuzzedDataProvider data) {
        StringBuilder sql = new StringBuilder();
        while (data.remainingBytes() > 0 && sql.length() < 2_000) {
            if (data.consumeBoolean()) {
                sql.append(data.pickValue(WORDS));
            } else {
                sql.append(data.consumeString(16));
            }
        }
        try {
            engine.query(sql.toString(), QueryLimits.NONE_REQUESTED);
        } catch (QueryException e) {
            if (e.code() == null || e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a QueryException without a code or a message for: " + sql, e);
            }
            if (e.getMessage().startsWith("internal error")) {
                throw new AssertionError("an internal error for: " + sql, e);
            }
        }
    }
}
