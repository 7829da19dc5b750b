package dev.hostquery.query.rest;

import dev.hostquery.query.catalog.Catalog;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The table catalog over REST. */
@Path("/v1/tables")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "catalog", description = "The tables this host offers")
public class TablesResource {
    @Inject
    Catalog catalog;

    @GET
    @Operation(summary = "List tables", description = "Every table with its columns, types, flags and examples, ordered by name.")
    @APIResponse(responseCode = "200", description = "The catalog")
    public TableListDto list(@Context io.vertx.ext.web.RoutingContext routing) {
        var access = dev.hostquery.query.security.AuthenticationFilter.principal(routing).access();
        return new TableListDto(catalog.specs().stream().map(spec -> TableDto.of(spec, access)).toList());
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "Describe a table", description = "One table by name or alias.")
    @APIResponse(responseCode = "200", description = "The table", content = @Content(schema = @Schema(implementation = TableDto.class)))
    @APIResponse(responseCode = "404", description = "No such table (code unknown_table)",
            content = @Content(mediaType = Problems.MEDIA_TYPE, schema = @Schema(implementation = ProblemDto.class)))
    public Response get(@Parameter(description = "Table name or alias", example = "processes") @PathParam("name") String name,
            @Context io.vertx.ext.web.RoutingContext routing) {
        var access = dev.hostquery.query.security.AuthenticationFilter.principal(routing).access();
        return catalog.find(name).map(spec -> Response.ok(TableDto.of(spec, access)).build())
                .orElseGet(() -> Problems.problem(404, "unknown_table", "Unknown table", "no table named '" + name
                        + "'; GET /v1/tables lists the tables", null, null));
    }
}
