package dev.hostquery.query.grpc;

import dev.hostquery.query.sqlite.Caller;
import dev.hostquery.query.sqlite.Cancellation;
import dev.hostquery.query.sqlite.ErrorCode;
import dev.hostquery.query.sqlite.QueryException;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.locks.LockSupport;

/**
 * Ties a query's {@link Cancellation} to one gRPC call: the call's context being cancelled (the client cancelled,
 * its deadline passed, or its connection is gone) cancels the query at once, from gRPC's own thread. Listening
 * on the context, not on the observer's cancel handler: with blocking service methods the handler's event may
 * wait in line behind the very method that is waiting for it. {@link #close()} stops listening.
 */
final class CallCancellation implements AutoCloseable {
    /** Longest pause between two looks at a full flow-control window. */
    private static final long READY_POLL_NANOS = 2_000_000;

    private final Context context;
    private final ServerCallStreamObserver<?> call;
    private final Caller caller = Caller.of(PrincipalInterceptor.principal().name(), PrincipalInterceptor.principal().access(),
            "grpc", PrincipalInterceptor.remote());
    private final Cancellation cancellation = caller.cancellation();
    private final Context.CancellationListener listener;
    /** Keeps the writes in step with the event loop, so that isReady() answers for them. */
    private final WriteHandOff handOff = WriteHandOff.ofCurrentCall();

    private CallCancellation(Context context, ServerCallStreamObserver<?> call) {
        this.context = context;
        this.call = call;
        this.listener = c -> cancellation.cancel("the client cancelled the call or went away");
        context.addListener(listener, Runnable::run);
    }

    /** Starts listening to the current gRPC context, which is the call's inside a service method. */
    static CallCancellation of(ServerCallStreamObserver<?> call) {
        return new CallCancellation(Context.current(), call);
    }

    /** The call's client and the cancellation tied to the call. */
    Caller caller() {
        return caller;
    }

    /**
     * Waits while the client's flow-control window is full, so that a slow reader costs the server its query's
     * time rather than unbounded buffered messages.
     *
     * @param deadlineNanos the query's deadline ({@link System#nanoTime()} based)
     * @throws QueryException cancelled when the call went away, limit_exceeded (timeout_ms) when the window
     *                        stayed full until the deadline
     */
    void awaitReady(long deadlineNanos) {
        try {
            if (!handOff.await(deadlineNanos, this::gone)) {
                throw gone() ? new QueryException(ErrorCode.CANCELLED, "the client cancelled the call or went away")
                        : new QueryException(ErrorCode.LIMIT_EXCEEDED, "the query's time limit passed while its rows waited to "
                                + "be sent (timeout_ms)", -1, "timeout_ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryException(ErrorCode.CANCELLED, "interrupted while streaming");
        }
        long pause = 50_000;
        while (!call.isReady()) {
            if (gone()) {
                throw new QueryException(ErrorCode.CANCELLED, "the client cancelled the call or went away");
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new QueryException(ErrorCode.LIMIT_EXCEEDED, "the client read the stream too slowly: the query's time "
                        + "limit passed while the server waited for it to take more rows (timeout_ms)", -1, "timeout_ms");
            }
            LockSupport.parkNanos(Math.min(left, pause));
            pause = Math.min(READY_POLL_NANOS, pause * 2);
        }
    }

    private boolean gone() {
        return cancellation.isCancelled() || call.isCancelled() || context.isCancelled();
    }

    @Override
    public void close() {
        context.removeListener(listener);
    }
}
