package dev.hostquery.query.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A query's result. */
@Schema(name = "QueryResponse", description = "The result columns with their types, the rows, and timing.")
public record QueryResponseDto(
        @Schema(description = "Result columns in order") List<ColumnDto> columns,
        @Schema(description = "Rows as objects keyed by column name; integers and reals are JSON numbers, text is a string, "
                + "a blob is base64 text, an unknown value is null. When two result columns share a name the last wins: alias them.")
        List<Map<String, Object>> rows,
        @JsonProperty("row_count") @Schema(description = "Number of rows") int rowCount,
        @JsonProperty("elapsed_ms") @Schema(description = "Time spent running the query, milliseconds") double elapsedMs,
        @Schema(description = "Set only when a streamed result failed after its first bytes were sent (the status was "
                + "200 by then): the rows before it were sent, and this says why the rest is missing", nullable = true)
        ProblemDto error) {

    /** A result column. */
    @Schema(name = "ResultColumn", description = "A result column.")
    public record ColumnDto(
            @Schema(description = "Column name (the alias, where the SQL gives one)") String name,
            @Schema(description = "Declared type for table columns (TEXT, INTEGER, BIGINT, UNSIGNED BIGINT, DOUBLE, BLOB); for "
                    + "expressions the SQLite storage class of the first non-null value (INTEGER, REAL, TEXT, BLOB), or NULL")
            String type) {
    }
}
