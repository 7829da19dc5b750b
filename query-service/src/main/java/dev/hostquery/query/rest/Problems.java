package dev.hostquery.query.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.hostquery.query.sqlite.ErrorCode;
import dev.hostquery.query.sqlite.QueryException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every error into {@code application/problem+json} with a stable code; never a stack trace. */
public class Problems {
    public static final String MEDIA_TYPE = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(Problems.class);

    static Response problem(int status, String code, String title, String detail, Integer position, String limit) {
        ProblemDto body = new ProblemDto("urn:hostquery:error:" + code, title, status, code, detail, position, limit);
        return Response.status(status).type(MEDIA_TYPE).entity(body).build();
    }

    /** The problem document of a query error, for a stream whose status is already sent. */
    static ProblemDto dto(QueryException e) {
        ErrorCode code = e.code();
        return new ProblemDto("urn:hostquery:error:" + code.code(), title(code), code.httpStatus(), code.code(), e.getMessage(),
                e.position() < 0 ? null : e.position(), e.limit());
    }

    static Response of(QueryException e) {
        ErrorCode code = e.code();
        return problem(code.httpStatus(), code.code(), title(code), e.getMessage(), e.position() < 0 ? null : e.position(),
                e.limit());
    }

    static String title(ErrorCode code) {
        return switch (code) {
            case BAD_REQUEST -> "Bad request";
            case SQL_SYNTAX -> "SQL error";
            case UNKNOWN_TABLE -> "Unknown table";
            case UNKNOWN_COLUMN -> "Unknown column";
            case REQUIRED_CONSTRAINT -> "Missing required constraint";
            case INVALID_CONSTRAINT -> "Invalid constraint value";
            case READ_ONLY -> "Queries are read-only";
            case FORBIDDEN -> "Forbidden";
            case UNAUTHENTICATED -> "Unauthorized";
            case LIMIT_EXCEEDED -> "Query limit exceeded";
            case BUSY -> "Too many queries";
            case CANCELLED -> "Query cancelled";
            case SQL_ERROR -> "Query failed";
            case TABLE_ERROR -> "Table failed";
            case INTERNAL -> "Internal error";
        };
    }

    @ServerExceptionMapper
    public Response mapQuery(QueryException e) {
        if (e.code().httpStatus() >= 500) {
            LOG.warnf("query failed: %s: %s", e.code().code(), e.getMessage());
        }
        return of(e);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response mapUnknownProperty(UnrecognizedPropertyException e) {
        return problem(400, "bad_request", "Bad request", "unknown field '" + e.getPropertyName()
                + "' in the request body; known fields: " + e.getKnownPropertyIds(), null, null);
    }

    /**
     * A body of the wrong shape ({@code ["SELECT 1"]}, {@code {"sql": []}}, a string for a number). Mapped here
     * and not only as a JsonProcessingException: Quarkus has its own mapper for this type, which answers with an
     * empty body.
     */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response mapMismatch(MismatchedInputException e) {
        String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse(null);
        Class<?> target = e.getTargetType();
        String expected = target == null ? "a value of another type" : expected(target);
        String detail = field == null
                ? "the request body must be a JSON object such as {\"sql\": \"SELECT 1\"}"
                : "field '" + field + "' must be " + expected;
        return problem(400, "bad_request", "Bad request", detail + where(e), null, null);
    }

    private static String expected(Class<?> target) {
        if (target == String.class) {
            return "a string";
        }
        if (target == Long.class || target == long.class || target == Integer.class || target == int.class) {
            return "a whole number";
        }
        if (target.isRecord()) {
            return "a JSON object";
        }
        return "a " + target.getSimpleName();
    }

    private static String where(JsonProcessingException e) {
        var location = e.getLocation();
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    @ServerExceptionMapper
    public Response mapJson(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        var location = e.getLocation();
        String where = location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        return problem(400, "bad_request", "Bad request", "the request body is not valid JSON for this endpoint: "
                + message + where, null, null);
    }

    @ServerExceptionMapper
    public Response mapWeb(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal" : "bad_request";
        };
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return mapUnknownProperty(unknown);
        }
        if (cause instanceof MismatchedInputException mismatch) {
            return mapMismatch(mismatch);
        }
        if (cause instanceof JsonProcessingException json) {
            return mapJson(json);
        }
        String detail = e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase() : e.getMessage();
        return problem(status, code, Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase(), detail, null, null);
    }

    @ServerExceptionMapper
    public Response mapOther(RuntimeException e) {
        LOG.error("unexpected error", e);
        return problem(500, "internal", "Internal error", "internal error: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), null, null);
    }
}
