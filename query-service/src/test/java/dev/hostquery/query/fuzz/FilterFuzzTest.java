package dev.hostquery.query.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hostquery.query.sqlite.ErrorCode;
import dev.hostquery.query.sqlite.QueryException;
import dev.hostquery.query.sqlite.TestTables;

/**
 * Subscription filters under arbitrary text: a filter is accepted only when it is an expression over one
 * event's columns. Whatever is accepted is then run the way a subscription runs it (pasted into the range
 * query), and must read nothing but the event table: the other tables count their scans, and any scan of them
 * is a finding.
 */
class FilterFuzzTest extends EngineFuzzing {
    private static final String[] WORDS = {"n", "what", "time", "eid", " = ", " > ", " AND ", " OR ", " NOT ", "(", ")", "'",
        "\"", "`", "[", "]", "--", "/*", "*/", ";", " UNION SELECT * FROM generated", " IN (SELECT id FROM generated)",
        "(SELECT 1)", " EXISTS ", " LIKE '%'", "1", "'x'", "char(41)", ",", " FROM ", " WHERE "};
    @FuzzTest(maxDuration = "60s")
    void onlyExpressionsOverOneEventPass(FuzzedDataProvider data) {
        StringBuilder filter = new StringBuilder();
        while (data.remainingBytes() > 0 && filter.length() < 500) {
            filter.append(data.consumeBoolean() ? data.pickValue(WORDS) : data.consumeString(8));
        }
        long scansBefore = TestTables.GENERATED_SCANS.get();
        try {
            engine.checkFilter("some_events", filter.toString(), dev.hostquery.query.sqlite.Access.ALL);
        } catch (QueryException e) {
            if (e.code() == ErrorCode.INTERNAL || e.code() == ErrorCode.TABLE_ERROR) {
                throw new AssertionError("filter '" + filter + "' failed as " + e.code(), e);
            }
            return;
        }
        try {
            engine.queryFiltered("some_events", "SELECT *, eid FROM some_events WHERE eid > ?1 AND eid <= ?2 AND (" + filter + ")",
                    dev.hostquery.query.sqlite.Access.ALL,
                    "0", "9");
        } catch (QueryException e) {
            if (e.code() == ErrorCode.READ_ONLY || e.code() == ErrorCode.SQL_SYNTAX) {
                throw new AssertionError("accepted filter '" + filter + "' does not run as a subscription: " + e.getMessage(), e);
            }
        }
        if (TestTables.GENERATED_SCANS.get() != scansBefore) {
            throw new AssertionError("accepted filter '" + filter + "' read another table");
        }
    }
}
