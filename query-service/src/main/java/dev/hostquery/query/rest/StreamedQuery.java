package dev.hostquery.query.rest;

import dev.hostquery.query.sqlite.Caller;
import dev.hostquery.query.sqlite.Cancellation;
import dev.hostquery.query.sqlite.ErrorCode;
import dev.hostquery.query.sqlite.QueryEngine;
import dev.hostquery.query.sqlite.QueryException;
import dev.hostquery.query.sqlite.QueryLimits;
import dev.hostquery.query.sqlite.ResultColumn;
import dev.hostquery.query.sqlite.ResultHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One REST query whose rows travel from the query's thread to the HTTP writer through a small bounded queue, so
 * that a client that reads slowly, or not at all, pins a bounded amount of memory, and its SQLite connection
 * only until the query's time limit.
 *
 * <p>The query runs on a runner thread: it puts chunks of rows (at most {@value #CHUNK_ROWS} rows or
 * {@value #CHUNK_BYTES} bytes) into a queue of {@value #QUEUE_CHUNKS}, waiting while it is full, but never past the
 * query's deadline; past it the query fails with limit_exceeded and gives its connection back. The HTTP side takes
 * chunks as the client accepts bytes. {@link #cancel} (the client went away) stops the query at once.
 */
final class StreamedQuery implements ResultHandler, Runnable {
    static final int CHUNK_ROWS = 256;
    static final int CHUNK_BYTES = 64 << 10;
    static final int QUEUE_CHUNKS = 8;
    private static final Object END = new Object();

    /** What the queue carries besides row chunks: the columns first, then END or the failure last. */
    record Columns(List<ResultColumn> columns) {
    }

    record Failed(QueryException error) {
    }

    private final QueryEngine engine;
    private final String sql;
    private final QueryLimits limits;
    private final long deadlineNanos;
    private final Caller caller;
    private final Cancellation cancellation;
    private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS + 2);
    private List<Object[]> chunk = new ArrayList<>();
    private long chunkBytes;
    private final long startNanos = System.nanoTime();
    /** Called when the client stopped taking rows until the deadline: the HTTP side closes the connection. */
    private volatile Runnable onStalled = () -> { };

    StreamedQuery(QueryEngine engine, String sql, QueryLimits limits, Caller caller) {
        this.engine = engine;
        this.caller = caller;
        this.cancellation = caller.cancellation();
        this.sql = sql;
        this.limits = limits;
        this.deadlineNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(engine.limits().narrow(limits).timeoutMillis());
    }

    /** @throws QueryException busy when every runner thread is taken */
    void start(ExecutorService runners) {
        try {
            runners.execute(this);
        } catch (RejectedExecutionException e) {
            throw new QueryException(ErrorCode.BUSY, "too many REST queries are running or waiting; try again later");
        }
    }

    void onStalled(Runnable hook) {
        onStalled = hook;
    }

    long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    @Override
    public void run() {
        Object last = END;
        try {
            engine.execute(sql, limits, caller, this);
            flush();
        } catch (QueryException e) {
            last = new Failed(e);
            if (e.code() != ErrorCode.CANCELLED && !"timeout_ms".equals(e.limit())) {
                try {
                    flush(); // the rows before the error were good: the client gets them, then the error
                } catch (QueryException ignored) {
                    // no room until the deadline: those rows are dropped, the error still says why
                }
            }
        } catch (RuntimeException e) {
            last = new Failed(new QueryException(ErrorCode.INTERNAL, "internal error: " + e));
        }
        // room is kept for the last item: the queue holds QUEUE_CHUNKS chunks plus the columns and the end
        if (!queue.offer(last)) {
            cancellation.cancel("the result could not be handed over");
        }
    }

    @Override
    public void columns(List<ResultColumn> columns) {
        put(new Columns(columns));
    }

    @Override
    public boolean row(Object[] values) {
        chunk.add(values);
        for (Object v : values) {
            chunkBytes += v instanceof String s ? s.length() : v instanceof byte[] b ? b.length : 8;
        }
        if (chunk.size() >= CHUNK_ROWS || chunkBytes >= CHUNK_BYTES) {
            flush();
        }
        return true;
    }

    private void flush() {
        if (!chunk.isEmpty()) {
            put(chunk);
            chunk = new ArrayList<>();
            chunkBytes = 0;
        }
    }

    /** Waits for room in the queue until the query's deadline: the client's reading pace holds the query, no more. */
    private void put(Object item) {
        try {
            while (queue.remainingCapacity() <= 1) { // the last place is the end's
                if (cancellation.isCancelled()) {
                    throw new QueryException(ErrorCode.CANCELLED, "the client went away");
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    onStalled.run();
                    throw new QueryException(ErrorCode.LIMIT_EXCEEDED, "the client read the result too slowly: the query's "
                            + "time limit passed while the server waited for it to take more rows (timeout_ms)", -1, "timeout_ms");
                }
                synchronized (queue) {
                    queue.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
                }
            }
            queue.add(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryException(ErrorCode.CANCELLED, "interrupted");
        }
    }

    /**
     * The next item for the writer: {@link Columns}, a {@code List<Object[]>} chunk, {@link Failed}, or END (then
     * {@link #isEnd}); waits at most until the deadline plus {@code graceNanos}.
     *
     * @return null when nothing came in time (the runner is stuck; the caller gives up)
     */
    Object take(long graceNanos) throws InterruptedException {
        Object item = queue.poll(Math.max(0, deadlineNanos + graceNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        synchronized (queue) {
            queue.notifyAll();
        }
        return item;
    }

    static boolean isEnd(Object item) {
        return item == END;
    }

    /** Ends the query at once (the client went away); idempotent. */
    void cancel(String why) {
        cancellation.cancel(why);
        synchronized (queue) {
            queue.notifyAll();
        }
    }
}
