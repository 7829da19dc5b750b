package dev.hostquery.query.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hostquery.query.events.CursorFuzzing;
import dev.hostquery.query.sqlite.ErrorCode;
import dev.hostquery.query.sqlite.QueryException;

/** Subscription cursors under arbitrary text: an eid in [0, newest] or bad_request, never a negative lost count. */
class CursorFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void anyCursorIsInRangeOrABadRequest(FuzzedDataProvider data) {
        long first = data.consumeLong(0, Long.MAX_VALUE / 2);
        long last = first + data.consumeLong(0, 1_000_000);
        String cursor = data.consumeRemainingAsString();
        try {
            long after = CursorFuzzing.after(cursor, first, last);
            if (after < 0 || after > last) {
                throw new AssertionError("cursor '" + cursor + "' gave " + after + " outside [0, " + last + "]");
            }
        } catch (QueryException e) {
            if (e.code() != ErrorCode.BAD_REQUEST) {
                throw new AssertionError("cursor '" + cursor + "' failed as " + e.code(), e);
            }
        }
    }
}
