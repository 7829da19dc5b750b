package dev.hostquery.query.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A query request. */
@Schema(name = "QueryRequest", description = "One SQLite-dialect SELECT and optional limits that can only lower the server's.")
public record QueryRequestDto(
        @Schema(description = "One SELECT statement (SQLite dialect); a trailing semicolon is allowed",
                examples = "SELECT pid, name FROM processes WHERE name = 'sshd'", required = true) String sql,
        @Schema(description = "Limits for this query; omitted fields keep the server's limit", nullable = true) Limits limits) {

    /** Per-query limits. */
    @Schema(name = "QueryLimits", description = "Each value may only lower the server's limit; 0 or absent keeps it.")
    public record Limits(
            @JsonProperty("timeout_ms") @Schema(description = "Time limit, milliseconds", minimum = "0") Long timeoutMs,
            @JsonProperty("max_rows") @Schema(description = "Most rows in the result", minimum = "0") Long maxRows,
            @JsonProperty("max_result_bytes")
            @Schema(description = "Largest result: UTF-8 bytes of text and blobs, 8 per number", minimum = "0") Long maxResultBytes) {
    }
}
