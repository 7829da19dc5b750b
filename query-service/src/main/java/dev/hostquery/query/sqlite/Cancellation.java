package dev.hostquery.query.sqlite;

/**
 * Ends a running query from another thread, for a client that went away or asked to stop (a gRPC cancel, a
 * closed HTTP connection). Thread-safe; {@link #cancel} is idempotent and takes effect at once: SQLite is
 * interrupted ({@code sqlite3_interrupt}), waits for table rows end, and the tables' scans see
 * {@code QueryContext.cancelled()}. A query cancelled this way fails with {@link ErrorCode#CANCELLED}.
 */
public final class Cancellation {
    private volatile String reason;
    /** What the engine does to stop the query now running under this cancellation; guarded by this. */
    private Runnable onCancel;

    /** Ends the query; the reason (e.g. "the client cancelled the call") goes into the error's message. */
    public void cancel(String why) {
        // the hook runs under the lock, so that the engine, which removes it under the same lock before it hands the
        // connection to the next query, can never have a late cancellation interrupt someone else's query
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why == null ? "cancelled" : why;
            if (onCancel != null) {
                onCancel.run();
            }
        }
    }

    public boolean isCancelled() {
        return reason != null;
    }

    /** Why the query was cancelled, or null. */
    public String reason() {
        return reason;
    }

    /**
     * Installs the engine's way to stop the running query (null to remove it once the query has returned its
     * connection); runs it at once when the cancellation came first.
     */
    synchronized void onCancel(Runnable hook) {
        onCancel = hook;
        if (hook != null && reason != null) {
            hook.run();
        }
    }
}
