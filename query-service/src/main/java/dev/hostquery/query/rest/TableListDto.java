package dev.hostquery.query.rest;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The catalog. */
@Schema(name = "TableList", description = "Every table this host offers, ordered by name.")
public record TableListDto(@Schema(description = "The tables") List<TableDto> tables) {
}
