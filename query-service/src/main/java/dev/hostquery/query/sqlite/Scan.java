package dev.hostquery.query.sqlite;

import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of a table's generator on a thread of its own, handing rows to the SQLite thread in batches.
 *
 * <p>Tables push rows; SQLite pulls them (xNext). The hand-off queue holds one batch, and batches grow from
 * 1 row to {@value #MAX_BATCH} (1, 8, 64), so a {@code LIMIT 1} costs the generator a handful of rows before it is
 * told to stop, while a long scan pays the hand-off once per {@value #MAX_BATCH} rows and SQLite works on one
 * batch while the generator reads the next.
 */
final class Scan implements RowSink, Runnable {
    static final int MAX_BATCH = 64;
    private static final Object END = new Object();

    private final Table table;
    private final QueryContext context;
    private final ArrayBlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
    private volatile boolean cancelled;
    private List<Object[]> batch = new ArrayList<>(1);
    private int batchLimit = 1;

    /** The failure the generator threw. */
    record Failure(Throwable cause) {
    }

    Scan(Table table, QueryContext context) {
        this.table = table;
        this.context = context;
    }

    /**
     * Generators run on platform threads. Not virtual ones: the SQLite thread waits for rows inside an FFM
     * upcall, a native frame that pins a virtual thread to its carrier, so with as many waiting queries as
     * cores no carrier would be left to run the generators they wait for.
     */
    private static final java.util.concurrent.ExecutorService GENERATORS = java.util.concurrent.Executors.newCachedThreadPool(
            Thread.ofPlatform().name("hostquery-scan-", 0).daemon(true).factory());

    void start() {
        GENERATORS.execute(this);
    }

    @Override
    public void run() {
        Object last;
        try {
            table.generate(context, this);
            if (!batch.isEmpty() && !cancelled) {
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
        if (cancelled) {
            return false;
        }
        batch.add(row);
        if (batch.size() >= batchLimit) {
            List<Object[]> full = batch;
            batchLimit = Math.min(MAX_BATCH, batchLimit * 8);
            batch = new ArrayList<>(batchLimit);
            hand(full);
        }
        return !cancelled;
    }

    private void hand(Object item) {
        try {
            while (!cancelled) {
                if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            cancelled = true;
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The next batch: a non-empty list of rows, null at the end of the table.
     *
     * @throws TimeoutException when nothing arrives within {@code timeoutNanos}
     * @throws Failure          wrapped in {@link GeneratorException} when the generator failed
     */
    @SuppressWarnings("unchecked")
    List<Object[]> next(long timeoutNanos) throws TimeoutException, InterruptedException {
        Object item = queue.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        if (item == null) {
            throw new TimeoutException();
        }
        if (item == END) {
            return null;
        }
        if (item instanceof Failure f) {
            throw new GeneratorException(f.cause());
        }
        return (List<Object[]>) item;
    }

    /** Tells the generator to stop and frees the queue; idempotent. */
    void cancel() {
        cancelled = true;
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
