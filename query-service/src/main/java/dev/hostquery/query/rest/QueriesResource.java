package dev.hostquery.query.rest;

import dev.hostquery.query.security.AuthenticationFilter;
import dev.hostquery.query.security.Authenticator;
import dev.hostquery.query.security.Principal;
import dev.hostquery.query.sqlite.Caller;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostquery.query.sqlite.ErrorCode;
import dev.hostquery.query.sqlite.QueryEngine;
import dev.hostquery.query.sqlite.QueryException;
import dev.hostquery.query.sqlite.QueryLimits;
import dev.hostquery.query.sqlite.ResultColumn;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;
import org.jboss.logging.Logger;

/** SQL queries over REST. */
@Path("/v1/queries")
@Tag(name = "queries", description = "SQLite-dialect SELECTs over the live tables")
public class QueriesResource {
    private static final Logger LOG = Logger.getLogger(QueriesResource.class);
    @Inject
    QueryEngine engine;

    @Inject
    ObjectMapper mapper;

    /** Bytes of rows read ahead before the response is committed: within it, errors keep their own status. */
    static final long PEEK_BYTES = 1 << 20;
    /** How much longer than its time limit the HTTP side waits for a query's runner before giving up on it. */
    static final long GRACE_NANOS = 5_000_000_000L;

    /**
     * Owned: the threads REST queries run on (platform threads: SQLite waits inside FFM upcalls). As many as the
     * worker threads that wait for them could be ({@value #RUNNERS}): a runner only waits where its request's worker
     * waits too, and the engine bounds how many of one client's queries wait at all. Past it, busy at once.
     */
    private ExecutorService runners;
    static final int RUNNERS = 256;

    @PostConstruct
    void startRunners() {
        // no core threads: with a SynchronousQueue an idle runner takes the next query, a new one starts only when
        // none is idle, and idle ones end after 30 s (a core pool would start a thread per query until it is full)
        runners = new ThreadPoolExecutor(0, RUNNERS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                Thread.ofPlatform().name("hostquery-rest-query-", 0).daemon(true).factory());
    }

    @PreDestroy
    void stopRunners() {
        runners.shutdownNow();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Run a query", description = "Runs one read-only SELECT and returns every row. A result of more "
            + "than 1 MiB streams as the client reads it; an error after its first bytes ends the document with an 'error' "
            + "problem instead of a status. Errors are "
            + "problem documents with a stable code: bad_request, sql_syntax, unknown_table, unknown_column, "
            + "required_constraint, invalid_constraint (400); unauthenticated (401); read_only, forbidden (403: the "
            + "principal's roles do not allow a table or path the query reads; the detail names the role that would); "
            + "limit_exceeded (422); busy (503); table_error, internal (500).")
    @APIResponse(responseCode = "200", description = "The result",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = QueryResponseDto.class)))
    @APIResponse(responseCode = "400", description = "The request or its SQL is wrong",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = ProblemDto.class)))
    @APIResponse(responseCode = "401", description = "No credentials, or credentials nobody issued (unauthenticated)",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = ProblemDto.class)))
    @APIResponse(responseCode = "403", description = "The SQL tried to write or change state (read_only), or read a table "
            + "or path the principal's roles do not allow (forbidden)",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = ProblemDto.class)))
    @APIResponse(responseCode = "422", description = "The query broke a limit and was stopped (limit_exceeded)",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = ProblemDto.class)))
    @APIResponse(responseCode = "503", description = "Every connection stayed busy (busy)",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = ProblemDto.class)))
    @APIResponse(responseCode = "500", description = "A table or the service failed",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = ProblemDto.class)))
    public Response query(QueryRequestDto request, @Context HttpServerRequest http, @Context ServerRequestContext context,
            @Context io.vertx.ext.web.RoutingContext routing) {
        if (request == null) {
            throw new QueryException(ErrorCode.BAD_REQUEST, "the request body is empty: send {\"sql\": \"SELECT …\"}");
        }
        Principal principal = AuthenticationFilter.principal(routing);
        Caller caller = Caller.of(principal.name(), principal.access(), "rest", Authenticator.remote(http));
        StreamedQuery query = new StreamedQuery(engine, request.sql(), limits(request.limits()), caller);
        query.onStalled(() -> http.connection().close());
        // RESTEasy's list of close handlers, not Vert.x's single one, which RESTEasy itself uses
        context.serverResponse().addCloseHandler(() -> query.cancel("the client went away"));
        query.start(runners);
        // Read ahead up to PEEK_BYTES: a result that ends within it, or fails within it, is answered whole, with the
        // error's own status. A longer one streams; an error after the first bytes ends the JSON with "error".
        List<Object> head = new ArrayList<>();
        long bytes = 0;
        try {
            while (true) {
                Object item = query.take(GRACE_NANOS);
                if (item == null) {
                    query.cancel("the query did not finish within its time limit");
                    throw new QueryException(ErrorCode.INTERNAL, "the query neither finished nor failed within its time limit");
                }
                if (item instanceof StreamedQuery.Failed failed) {
                    throw failed.error();
                }
                head.add(item);
                if (StreamedQuery.isEnd(item) || (bytes += size(item)) > PEEK_BYTES) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            query.cancel("interrupted");
            Thread.currentThread().interrupt();
            throw new QueryException(ErrorCode.CANCELLED, "interrupted");
        }
        StreamingOutput body = out -> write(query, head, out);
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static long size(Object item) {
        long bytes = 0;
        if (item instanceof List<?> chunk) {
            for (Object row : chunk) {
                for (Object v : (Object[]) row) {
                    bytes += v instanceof String s ? s.length() : v instanceof byte[] b ? b.length : 8;
                }
            }
        }
        return bytes;
    }

    /**
     * Writes a {@link QueryResponseDto} with a streaming generator, from the chunks read ahead and then from the
     * query as the client takes them: no map per row, and a bounded amount in memory.
     */
    private void write(StreamedQuery query, List<Object> head, OutputStream out) throws IOException {
        List<ResultColumn> columns = null;
        long count = 0;
        QueryException failure = null;
        try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
            java.util.Iterator<Object> ahead = head.iterator();
            while (true) {
                Object item = ahead.hasNext() ? ahead.next() : query.take(GRACE_NANOS);
                if (item == null) {
                    query.cancel("the query did not finish within its time limit");
                    failure = new QueryException(ErrorCode.INTERNAL, "the query neither finished nor failed within its time limit");
                    break;
                }
                if (item instanceof StreamedQuery.Failed f) {
                    failure = f.error();
                    break;
                }
                if (StreamedQuery.isEnd(item)) {
                    break;
                }
                if (item instanceof StreamedQuery.Columns c) {
                    columns = c.columns();
                    json.writeStartObject();
                    json.writeArrayFieldStart("columns");
                    for (ResultColumn rc : columns) {
                        json.writeStartObject();
                        json.writeStringField("name", rc.name());
                        json.writeStringField("type", rc.type());
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                    json.writeArrayFieldStart("rows");
                    continue;
                }
                for (Object row : (List<?>) item) {
                    writeRow(json, columns, (Object[]) row);
                    count++;
                }
            }
            json.writeEndArray();
            json.writeNumberField("row_count", count);
            json.writeNumberField("elapsed_ms", query.elapsedNanos() / 1e6);
            if (failure != null) {
                json.writeFieldName("error");
                mapper.writeValue(json, Problems.dto(failure));
            }
            json.writeEndObject();
        } catch (IOException e) {
            // the client went away mid-stream: stop the query; there is nobody to answer, so no error either (an
            // exception here would only make RESTEasy try to write an error response after the 200 it sent)
            query.cancel("the client went away");
            LOG.debugf("a client went away while its result streamed: %s", e.getMessage());
        } catch (RuntimeException e) {
            query.cancel("the result could not be written");
            throw e;
        } catch (InterruptedException e) {
            query.cancel("interrupted");
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while streaming the result", e);
        }
    }

    private static void writeRow(JsonGenerator json, List<ResultColumn> columns, Object[] values) throws IOException {
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
