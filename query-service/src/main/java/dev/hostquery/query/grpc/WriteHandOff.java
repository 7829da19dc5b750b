package dev.hostquery.query.grpc;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Keeps a call's writes in step with its event loop. On the shared-port Vert.x transport, onNext from a thread
 * other than the connection's event loop only queues the write there, so isReady() cannot see it yet: a producer
 * faster than the event loop queued 13,000 writes (11 MiB) a stream for a client that read nothing (a heap
 * histogram, four stalled QueryStreams). Every {@value #EVERY} messages, {@link #await} waits until a task queued
 * behind the writes has run on the event loop; then isReady() answers for them, and at most {@value #EVERY}
 * messages are ever queued beyond the client's flow-control window. Not thread-safe: one per call's writer.
 */
final class WriteHandOff {
    static final int EVERY = 16;
    private static final long POLL_NANOS = 20_000_000;

    /** The call's Vert.x context (its connection's event loop); null off Vert.x, where there is nothing to wait for. */
    private final Context loop;
    private int since;

    private WriteHandOff(Context loop) {
        this.loop = loop;
    }

    /** For the call running on this thread: a service method's, where Quarkus keeps the call's Vert.x context. */
    static WriteHandOff ofCurrentCall() {
        return new WriteHandOff(Vertx.currentContext());
    }

    /**
     * Call after each message: every {@value #EVERY} messages, waits until the event loop has taken the writes
     * queued so far.
     *
     * @return false when {@code deadlineNanos} passed or {@code stop} turned true before it had
     */
    boolean await(long deadlineNanos, BooleanSupplier stop) throws InterruptedException {
        if (loop == null || ++since < EVERY) {
            return true;
        }
        since = 0;
        CountDownLatch ran = new CountDownLatch(1);
        loop.runOnContext(v -> ran.countDown());
        while (!ran.await(Math.max(1, Math.min(POLL_NANOS, deadlineNanos - System.nanoTime())), TimeUnit.NANOSECONDS)) {
            if (stop.getAsBoolean() || deadlineNanos - System.nanoTime() <= 0) {
                return false;
            }
        }
        return true;
    }
}
