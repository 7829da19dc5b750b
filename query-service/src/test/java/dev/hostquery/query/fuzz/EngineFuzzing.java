package dev.hostquery.query.fuzz;

import dev.hostquery.query.sqlite.QueryEngine;
import dev.hostquery.query.sqlite.QueryLimits;
import dev.hostquery.query.sqlite.TestTables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The engine the SQL and filter fuzz targets query: the test tables, and 50 ms, 10,000 rows and 1 MiB a query. Many
 * inputs run to their time limit, so the limit sets the pace: 250 ms gave 53 inputs a second, 50 ms about 240.
 */
abstract class EngineFuzzing {
    static QueryEngine engine;

    @BeforeAll
    static void start() {
        engine = TestTables.engine(new QueryLimits(50, 10_000, 1 << 20));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }
}
