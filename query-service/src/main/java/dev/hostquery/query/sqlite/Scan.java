package dev.hostquery.query.sqlite;

import dev.hostquery.api.Constraint;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.Table;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of a table's generator on a thread of the engine's bounded pool, handing rows to the SQLite thread
 * in batches.
 *
 * <p>Tables push rows; SQLite pulls them (xNext). The hand-off queue holds one batch, and batches grow from
 * 1 row to {@value #MAX_BATCH} (1, 8, 64), so a {@code LIMIT 1} costs the generator a handful of rows before it is
 * told to stop, while a long scan pays the hand-off once per {@value #MAX_BATCH} rows and SQLite works on one
 * batch while the generator reads the next.
 *
 * <p>The scan ends with its query: its context reports {@code cancelled()} once the query's deadline passed,
 * it was cancelled, or SQLite closed the cursor; {@link #cancel()} also interrupts the generator's thread, so
 * interruptible I/O stops at once.
 */
final class Scan implements RowSink, Runnable {
    static final int MAX_BATCH = 64;
    /** Longest the SQLite thread waits for rows before it looks at the query's cancellation again. */
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Object END = new Object();

    private final Table table;
    private final QueryContext context;
    private final QueryState state;
    private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
    private volatile boolean cancelled;
    private Future<?> running;
    private List<Object[]> batch = new ArrayList<>(1);
    private int batchLimit = 1;

    /** The failure the generator threw. */
    record Failure(Throwable cause) {
    }

    /**
     * @param state the query the scan belongs to (its deadline and cancellation end the scan); null for a scan
     *              outside any query, which ends only by {@link #cancel()}
     */
    Scan(Table table, List<Constraint> constraints, BitSet used, QueryState state) {
        this.table = table;
        this.state = state;
        this.context = new QueryContext(table.spec(), constraints, used, this::isCancelled,
                state == null ? dev.hostquery.api.QueryContext.PathAccess.ALL : state.access.paths());
    }

    QueryContext context() {
        return context;
    }

    boolean isCancelled() {
        return cancelled || (state != null && state.ended());
    }

    /**
     * Starts the generator on the pool.
     *
     * @throws QueryException busy when every table thread is taken and the pool's queue is full
     */
    void start(ExecutorService threads) {
        try {
            running = threads.submit(this);
        } catch (RejectedExecutionException e) {
            throw new QueryException(ErrorCode.BUSY, "every table thread is busy and " + "the queue of scans waiting for one "
                    + "is full (hostquery.query.table-threads, hostquery.query.table-queue); try again later");
        }
    }

    @Override
    public void run() {
        Object last;
        try {
            table.generate(context, this);
            if (!batch.isEmpty() && !isCancelled()) {
                hand(batch);
            }
            last = END;
        } catch (Throwable t) {
            last = new Failure(t);
        }
        hand(last);
    }

    @Override
    public boolean accept(Object[] row) {
        if (isCancelled()) {
            return false;
        }
        batch.add(row);
        if (batch.size() >= batchLimit) {
            List<Object[]> full = batch;
            batchLimit = Math.min(MAX_BATCH, batchLimit * 8);
            batch = new ArrayList<>(batchLimit);
            hand(full);
        }
        return !isCancelled();
    }

    private void hand(Object item) {
        try {
            while (!isCancelled()) {
                if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            cancelled = true; // the pool's thread is reused: the interrupt was for this scan only
        }
    }

    /**
     * The next batch: a non-empty list of rows, null at the end of the table.
     *
     * @throws TimeoutException           when nothing arrives within {@code timeoutNanos}
     * @throws java.util.concurrent.CancellationException when the query was cancelled while waiting
     * @throws GeneratorException         when the generator failed
     */
    @SuppressWarnings("unchecked")
    List<Object[]> next(long timeoutNanos) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, timeoutNanos);
        Object item;
        while ((item = queue.poll(Math.min(WAIT_SLICE_NANOS, Math.max(0, deadline - System.nanoTime())),
                TimeUnit.NANOSECONDS)) == null) {
            if (state != null && state.cancellation.isCancelled()) {
                throw new java.util.concurrent.CancellationException(state.cancellation.reason());
            }
            if (deadline - System.nanoTime() <= 0) {
                throw new TimeoutException();
            }
        }
        if (item == END) {
            return null;
        }
        if (item instanceof Failure f) {
            throw new GeneratorException(f.cause());
        }
        return (List<Object[]>) item;
    }

    /** Tells the generator to stop, interrupts its thread and frees the queue; idempotent. */
    void cancel() {
        cancelled = true;
        Future<?> r = running;
        if (r != null) {
            r.cancel(true);
        }
        queue.clear();
    }

    /** A table's generator failed. */
    static final class GeneratorException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GeneratorException(Throwable cause) {
            super(cause);
        }
    }
}
