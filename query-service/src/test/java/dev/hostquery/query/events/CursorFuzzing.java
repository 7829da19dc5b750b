package dev.hostquery.query.events;

/** Opens the subscriptions' cursor parsing to the fuzz tests. */
public final class CursorFuzzing {
    private CursorFuzzing() {
    }

    public static long after(String cursor, long firstEid, long lastEid) {
        return Subscriptions.after("file_events", cursor, firstEid, lastEid);
    }
}
