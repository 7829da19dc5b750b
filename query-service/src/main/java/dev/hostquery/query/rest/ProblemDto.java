package dev.hostquery.query.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An error, as RFC 9457 problem details (media type application/problem+json). */
@Schema(name = "Problem", description = "An error as RFC 9457 problem details, with a stable code to switch on.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProblemDto(
        @Schema(description = "urn:hostquery:error:<code>") String type,
        @Schema(description = "Short summary of the kind of error") String title,
        @Schema(description = "HTTP status") int status,
        @Schema(description = "Stable error code", enumeration = {"bad_request", "sql_syntax", "unknown_table", "unknown_column",
            "required_constraint", "invalid_constraint", "read_only", "limit_exceeded", "busy", "sql_error", "table_error",
            "internal", "not_found", "method_not_allowed", "unsupported_media_type", "not_acceptable"}) String code,
        @Schema(description = "What was wrong, for a person to act on") String detail,
        @Schema(description = "0-based character offset in the SQL that the error refers to", nullable = true) Integer position,
        @Schema(description = "For limit_exceeded: timeout_ms, max_rows, max_result_bytes or memory", nullable = true) String limit) {
}
