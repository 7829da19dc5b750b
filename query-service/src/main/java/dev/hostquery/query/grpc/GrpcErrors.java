package dev.hostquery.query.grpc;

import dev.hostquery.query.sqlite.QueryException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Maps hostquery's error codes onto gRPC statuses; the code also travels in the trailer {@value #TRAILER}. */
final class GrpcErrors {
    static final String TRAILER = "hostquery-error-code";
    static final Metadata.Key<String> CODE = Metadata.Key.of(TRAILER, Metadata.ASCII_STRING_MARSHALLER);

    private GrpcErrors() {
    }

    static StatusRuntimeException of(QueryException e) {
        Status status = switch (e.code()) {
            case BAD_REQUEST, SQL_SYNTAX, UNKNOWN_COLUMN, REQUIRED_CONSTRAINT, INVALID_CONSTRAINT, SQL_ERROR -> Status.INVALID_ARGUMENT;
            case UNKNOWN_TABLE -> Status.NOT_FOUND;
            case READ_ONLY, FORBIDDEN -> Status.PERMISSION_DENIED;
            case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            case LIMIT_EXCEEDED -> "timeout_ms".equals(e.limit()) ? Status.DEADLINE_EXCEEDED : Status.RESOURCE_EXHAUSTED;
            case BUSY -> Status.UNAVAILABLE;
            case CANCELLED -> Status.CANCELLED;
            case TABLE_ERROR, INTERNAL -> Status.INTERNAL;
        };
        return error(status, e.code().code(), e.getMessage());
    }

    static StatusRuntimeException error(Status status, String code, String message) {
        Metadata trailers = new Metadata();
        trailers.put(CODE, code);
        return status.withDescription(code + ": " + message).asRuntimeException(trailers);
    }
}
