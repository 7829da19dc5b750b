package dev.hostquery.query.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostquery.query.sqlite.ErrorCode;
import dev.hostquery.query.sqlite.QueryEngine;
import dev.hostquery.query.sqlite.QueryException;
import dev.hostquery.query.sqlite.QueryLimits;
import dev.hostquery.query.sqlite.QueryResult;
import dev.hostquery.query.sqlite.ResultColumn;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** SQL queries over REST. */
@Path("/v1/queries")
@Tag(name = "queries", description = "SQLite-dialect SELECTs over the live tables")
public class QueriesResource {
    @Inject
    QueryEngine engine;

    @Inject
    ObjectMapper mapper;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Run a query", description = "Runs one read-only SELECT and returns every row. Errors are "
            + "problem documents with a stable code: bad_request, sql_syntax, unknown_table, unknown_column, "
            + "required_constraint, invalid_constraint (400); read_only (403); limit_exceeded (422); busy (503); "
            + "table_error, internal (500).")
    @APIResponse(responseCode = "200", description = "The result",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = QueryResponseDto.class)))
    @APIResponse(responseCode = "400", description = "The request or its SQL is wrong",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = ProblemDto.class)))
    @APIResponse(responseCode = "403", description = "The SQL tried to write or change state (read_only)",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = ProblemDto.class)))
    @APIResponse(responseCode = "422", description = "The query broke a limit and was stopped (limit_exceeded)",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = ProblemDto.class)))
    @APIResponse(responseCode = "503", description = "Every connection stayed busy (busy)",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = ProblemDto.class)))
    @APIResponse(responseCode = "500", description = "A table or the service failed",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = ProblemDto.class)))
    public Response query(QueryRequestDto request) {
        if (request == null) {
            throw new QueryException(ErrorCode.BAD_REQUEST, "the request body is empty: send {\"sql\": \"SELECT …\"}");
        }
        QueryResult result = engine.query(request.sql(), limits(request.limits()));
        StreamingOutput body = out -> write(result, out);
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }

    /**
     * Writes a {@link QueryResponseDto} straight from the result's rows with a streaming generator: no map per
     * row. The query has finished, so no error can arise half way through.
     */
    private void write(QueryResult result, OutputStream out) throws IOException {
        List<ResultColumn> columns = result.columns();
        try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("columns");
            for (ResultColumn c : columns) {
                json.writeStartObject();
                json.writeStringField("name", c.name());
                json.writeStringField("type", c.type());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("rows");
            for (Object[] values : result.rows()) {
                json.writeStartObject();
                for (int i = 0; i < values.length; i++) {
                    json.writeFieldName(columns.get(i).name());
                    switch (values[i]) {
                        case null -> json.writeNull();
                        case Long l -> json.writeNumber(l);
                        case Double d -> json.writeNumber(d);
                        case String s -> json.writeString(s);
                        case byte[] b -> json.writeBinary(b);
                        default -> json.writeString(values[i].toString());
                    }
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeNumberField("row_count", result.rows().size());
            json.writeNumberField("elapsed_ms", result.elapsedNanos() / 1e6);
            json.writeEndObject();
        }
    }

    static QueryLimits limits(QueryRequestDto.Limits limits) {
        if (limits == null) {
            return QueryLimits.NONE_REQUESTED;
        }
        return new QueryLimits(orZero(limits.timeoutMs()), orZero(limits.maxRows()), orZero(limits.maxResultBytes()));
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
