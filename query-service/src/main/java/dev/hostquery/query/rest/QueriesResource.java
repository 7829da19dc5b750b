package dev.hostquery.query.rest;

import dev.hostquery.query.sqlite.ErrorCode;
import dev.hostquery.query.sqlite.QueryEngine;
import dev.hostquery.query.sqlite.QueryException;
import dev.hostquery.query.sqlite.QueryLimits;
import dev.hostquery.query.sqlite.QueryResult;
import dev.hostquery.query.sqlite.ResultColumn;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RunOnVirtualThread
    @Operation(summary = "Run a query", description = "Runs one read-only SELECT and returns every row. Errors are "
            + "problem documents with a stable code: bad_request, sql_syntax, unknown_table, unknown_column, "
            + "required_constraint, invalid_constraint (400); read_only (403); limit_exceeded (422); busy (503); "
            + "table_error, internal (500).")
    @APIResponse(responseCode = "200", description = "The result")
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
    public QueryResponseDto query(QueryRequestDto request) {
        if (request == null) {
            throw new QueryException(ErrorCode.BAD_REQUEST, "the request body is empty: send {\"sql\": \"SELECT …\"}");
        }
        QueryResult result = engine.query(request.sql(), limits(request.limits()));
        List<ResultColumn> columns = result.columns();
        List<Map<String, Object>> rows = new ArrayList<>(result.rows().size());
        for (Object[] values : result.rows()) {
            Map<String, Object> row = LinkedHashMap.newLinkedHashMap(columns.size());
            for (int i = 0; i < columns.size(); i++) {
                row.put(columns.get(i).name(), values[i]);
            }
            rows.add(row);
        }
        return new QueryResponseDto(columns.stream().map(c -> new QueryResponseDto.ColumnDto(c.name(), c.type())).toList(),
                rows, rows.size(), result.elapsedNanos() / 1e6);
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
