package dev.hostquery.query.grpc;

import com.google.protobuf.ByteString;
import dev.hostquery.grpc.v1.Column;
import dev.hostquery.grpc.v1.QueryGrpc;
import dev.hostquery.grpc.v1.QueryRequest;
import dev.hostquery.grpc.v1.QueryResponse;
import dev.hostquery.grpc.v1.QueryStreamResponse;
import dev.hostquery.grpc.v1.Row;
import dev.hostquery.grpc.v1.RowBatch;
import dev.hostquery.grpc.v1.StreamHeader;
import dev.hostquery.grpc.v1.StreamSummary;
import dev.hostquery.grpc.v1.Value;
import dev.hostquery.query.sqlite.ErrorCode;
import dev.hostquery.query.sqlite.QueryEngine;
import dev.hostquery.query.sqlite.QueryException;
import dev.hostquery.query.sqlite.QueryLimits;
import dev.hostquery.query.sqlite.QueryResult;
import dev.hostquery.query.sqlite.ResultColumn;
import dev.hostquery.query.sqlite.ResultHandler;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code hostquery.v1.Query}: SQL over gRPC, unary and streamed in batches. Runs on worker threads. */
@GrpcService
public class QueryService extends QueryGrpc.QueryImplBase {
    static final int DEFAULT_BATCH = 500;
    static final int MAX_BATCH = 10_000;
    /**
     * Largest result of a unary Query, in the engine's measure (text and blob bytes, 8 per number): with protobuf's
     * framing it stays within the 4 MiB a default gRPC client accepts.
     */
    static final long MAX_UNARY_BYTES = 3L << 20;

    /** Looked up per call, so that creating the gRPC services at start does not build the engine (see Startup). */
    @Inject
    jakarta.enterprise.inject.Instance<QueryEngine> engine;

    @Override
    @Blocking
    public void query(QueryRequest request, StreamObserver<QueryResponse> response) {
        try (CallCancellation cancellation = CallCancellation.of((ServerCallStreamObserver<?>) response)) {
            QueryLimits limits = limits(request);
            // a unary response is built whole: keep it within what a default gRPC client accepts and let larger
            // results take QueryStream, which streams them under flow control
            long bytes = limits.maxResultBytes() == 0 ? MAX_UNARY_BYTES : Math.min(limits.maxResultBytes(), MAX_UNARY_BYTES);
            QueryResult result;
            try {
                result = engine.get().query(request.getSql(), new QueryLimits(limits.timeoutMillis(), limits.maxRows(), bytes),
                        cancellation.caller());
            } catch (QueryException e) {
                if ("max_result_bytes".equals(e.limit()) && bytes == MAX_UNARY_BYTES) {
                    throw new QueryException(ErrorCode.LIMIT_EXCEEDED, e.getMessage() + "; a unary Query returns at most "
                            + MAX_UNARY_BYTES + " bytes: use QueryStream for larger results", -1, e.limit());
                }
                throw e;
            }
            QueryResponse.Builder b = QueryResponse.newBuilder().addAllColumns(columns(result.columns()))
                    .setElapsedUs(result.elapsedNanos() / 1000);
            for (Object[] values : result.rows()) {
                b.addRows(row(values));
            }
            response.onNext(b.build());
            response.onCompleted();
        } catch (QueryException e) {
            response.onError(GrpcErrors.of(e));
        }
    }

    /**
     * Streams the result in batches. The query holds its SQLite connection while it streams, so a client that
     * stops reading must not keep it: between two batches the server waits for the client's flow-control window
     * only until the query's time limit, and a cancelled call or a client gone ends the query at once.
     */
    @Override
    @Blocking
    public void queryStream(QueryRequest request, StreamObserver<QueryStreamResponse> response) {
        // batch_size is a uint32: read it unsigned, so 4294967295 is refused rather than wrapping to -1
        long requestedBatch = Integer.toUnsignedLong(request.getBatchSize());
        if (requestedBatch > MAX_BATCH) {
            response.onError(GrpcErrors.error(Status.INVALID_ARGUMENT, "bad_request", "batch_size must be at most "
                    + MAX_BATCH + ", got " + requestedBatch));
            return;
        }
        int batchSize = requestedBatch == 0 ? DEFAULT_BATCH : (int) requestedBatch;
        ServerCallStreamObserver<QueryStreamResponse> call = (ServerCallStreamObserver<QueryStreamResponse>) response;
        long start = System.nanoTime();
        long[] count = {0};
        RowBatch.Builder[] batch = {RowBatch.newBuilder()};
        QueryLimits limits = limits(request);
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(engine.get().limits().narrow(limits).timeoutMillis());
        try (CallCancellation cancellation = CallCancellation.of(call)) {
            engine.get().execute(request.getSql(), limits, cancellation.caller(), new ResultHandler() {
                @Override
                public void columns(List<ResultColumn> columns) {
                    call.onNext(QueryStreamResponse.newBuilder()
                            .setHeader(StreamHeader.newBuilder().addAllColumns(QueryService.columns(columns))).build());
                }

                @Override
                public boolean row(Object[] values) {
                    batch[0].addRows(QueryService.row(values));
                    count[0]++;
                    if (batch[0].getRowsCount() >= batchSize) {
                        cancellation.awaitReady(deadline);
                        call.onNext(QueryStreamResponse.newBuilder().setBatch(batch[0]).build());
                        batch[0] = RowBatch.newBuilder();
                    }
                    return true;
                }
            });
            if (batch[0].getRowsCount() > 0) {
                cancellation.awaitReady(deadline);
                call.onNext(QueryStreamResponse.newBuilder().setBatch(batch[0]).build());
            }
            call.onNext(QueryStreamResponse.newBuilder().setSummary(StreamSummary.newBuilder().setRowCount(count[0])
                    .setElapsedUs((System.nanoTime() - start) / 1000)).build());
            call.onCompleted();
        } catch (QueryException e) {
            if (!call.isCancelled()) {
                call.onError(GrpcErrors.of(e));
            }
        }
    }

    /** The request's limits, with the time limit lowered to the call's gRPC deadline when it has one. */
    private static QueryLimits limits(QueryRequest request) {
        long timeout = unsigned(request.getLimits().getTimeoutMs());
        Deadline deadline = Context.current().getDeadline();
        if (deadline != null) {
            long remaining = Math.max(1, deadline.timeRemaining(TimeUnit.MILLISECONDS));
            timeout = timeout == 0 ? remaining : Math.min(timeout, remaining);
        }
        return new QueryLimits(timeout, unsigned(request.getLimits().getMaxRows()),
                unsigned(request.getLimits().getMaxResultBytes()));
    }

    /**
     * A uint64 limit as Java reads it: 2^63 and above come as negative longs. Such a limit is larger than any
     * server's, and a request can only lower limits, so it keeps the server's (not "must not be negative").
     */
    private static long unsigned(long value) {
        return value < 0 ? Long.MAX_VALUE : value;
    }

    static List<Column> columns(List<ResultColumn> columns) {
        return columns.stream().map(c -> Column.newBuilder().setName(c.name()).setType(c.type()).build()).toList();
    }

    static Row row(Object[] values) {
        Row.Builder row = Row.newBuilder();
        for (Object v : values) {
            Value.Builder value = Value.newBuilder();
            switch (v) {
                case null -> value.setNullValue(true);
                case Long l -> value.setIntegerValue(l);
                case Double d -> value.setRealValue(d);
                case String s -> value.setTextValue(s);
                case byte[] b -> value.setBlobValue(ByteString.copyFrom(b));
                default -> value.setTextValue(v.toString());
            }
            row.addValues(value);
        }
        return row.build();
    }
}
