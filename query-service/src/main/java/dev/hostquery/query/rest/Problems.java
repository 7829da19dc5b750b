package dev.hostquery.query.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
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
            case LIMIT_EXCEEDED -> "Query limit exceeded";
            case BUSY -> "Too many queries";
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

    @ServerExceptionMapper
    public Response mapUnknownProperty(UnrecognizedPropertyException e) {
        return problem(400, "bad_request", "Bad request", "unknown field '" + e.getPropertyName()
                + "' in the request body; known fields: " + e.getKnownPropertyIds(), null, null);
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
