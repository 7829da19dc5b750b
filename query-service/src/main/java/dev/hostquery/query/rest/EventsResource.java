package dev.hostquery.query.rest;

import dev.hostquery.query.security.AuthenticationFilter;
import dev.hostquery.query.security.Authenticator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostquery.events.tables.EventTable;
import dev.hostquery.query.events.Subscriptions;
import dev.hostquery.query.sqlite.ResultColumn;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

/** Live events as Server-Sent Events, resumable with Last-Event-ID. */
@Path("/v1/events")
@Tag(name = "events", description = "Live subscriptions to the evented tables")
public class EventsResource {
    @Inject
    Subscriptions subscriptions;
    @Inject
    ObjectMapper mapper;

    @GET
    @Path("/{table}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Subscribe to an evented table", description = "Streams the events of one table that match an "
            + "optional SQL filter as Server-Sent Events. Each event has id = its eid (send it back as Last-Event-ID, or "
            + "cursor, to resume after it), type 'event', and data {eid, sequence, time, node, boot_id, row}. A 'lost' event "
            + "{count, resumed_after} says how many events expired before the subscriber read them. A bad table, filter or "
            + "cursor is a problem document before the stream starts.")
    @APIResponse(responseCode = "200", description = "The event stream")
    @APIResponse(responseCode = "400", description = "Not an evented table, or a bad filter or cursor",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = ProblemDto.class)))
    public void stream(
            @Parameter(description = "Evented table", example = "file_events") @PathParam("table") String table,
            @Parameter(description = "SQL expression over the table's columns", example = "action = 'CREATED'") @QueryParam("filter") String filter,
            @Parameter(description = "Resume after this eid; 0 for the oldest stored event; absent for new events only")
            @QueryParam("cursor") String cursor,
            @Parameter(description = "Standard SSE resume header; wins over cursor") @HeaderParam("Last-Event-ID") String lastEventId,
            @Context SseEventSink sink, @Context Sse sse, @Context ServerRequestContext context,
            @Context io.vertx.ext.web.RoutingContext routing) {
        Subscriptions.Plan plan = subscriptions.plan(AuthenticationFilter.principal(routing), table, filter,
                lastEventId != null && !lastEventId.isBlank() ? lastEventId : cursor);
        Subscriptions.Handle handle = subscriptions.start(plan, "sse", Authenticator.remote(routing.request()),
                new Subscriptions.Sink() {
            @Override
            public boolean cancelled() {
                // an HTTP/2 client that resets its stream leaves the SSE sink open: the response says it is closed
                return sink.isClosed() || routing.response().closed();
            }

            @Override
            public void header(Subscriptions.Plan p) {
            }

            @Override
            public void event(Subscriptions.Plan p, long eid, long time, Object[] values) throws Exception {
                ObjectNode data = mapper.createObjectNode().put("eid", EventTable.eidText(eid)).put("sequence", eid).put("time", time)
                        .put("node", p.node()).put("boot_id", p.bootId());
                ObjectNode row = data.putObject("row");
                List<ResultColumn> columns = p.columns();
                for (int i = 0; i < columns.size(); i++) {
                    row.putPOJO(columns.get(i).name(), values[i]);
                }
                send(sse.newEventBuilder().id(EventTable.eidText(eid)).name("event").data(mapper.writeValueAsString(data)).build());
            }

            @Override
            public void lost(long count, long resumedAfter) throws Exception {
                send(sse.newEventBuilder().id(EventTable.eidText(resumedAfter)).name("lost")
                        .data(mapper.writeValueAsString(mapper.createObjectNode().put("count", count)
                                .put("resumed_after", EventTable.eidText(resumedAfter)))).build());
            }

            /** Waits for each send, so a slow client holds back its own subscription and nothing else. */
            private void send(OutboundSseEvent event) throws Exception {
                sink.send(event).toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        }, failure -> sink.close());
        // a client that goes away ends its subscription at once (its thread is interrupted), not at the next poll
        context.serverResponse().addCloseHandler(handle::cancel);
        // and the routing context's end, which a reset HTTP/2 stream reaches too
        routing.addEndHandler(done -> handle.cancel());
    }
}
