package dev.hostquery.query.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.hostquery.api.ColumnSpec;
import dev.hostquery.api.TableSpec;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A table of the catalog, as REST shows it. */
@Schema(name = "Table", description = "A table: its columns with osquery's types and flags, and example queries.")
public record TableDto(
        @Schema(description = "Table name, osquery's where osquery has the table", examples = "processes") String name,
        @Schema(description = "What a row is and where the data comes from") String description,
        @Schema(description = "True for tables fed by the event store (names end in _events)") boolean evented,
        @Schema(description = "Columns in SELECT * order (hidden columns included, flagged hidden)") List<ColumnDto> columns,
        @JsonProperty("required_columns")
        @Schema(description = "A query must constrain one of these by = or IN (or LIKE where pattern_columns lists it)")
        List<String> requiredColumns,
        @JsonProperty("pattern_columns")
        @Schema(description = "Columns on which the table expands LIKE patterns itself (% one path level, %% any depth)")
        List<String> patternColumns,
        @Schema(description = "Other names the table answers to") List<String> aliases,
        @Schema(description = "Example queries") List<String> examples,
        @Schema(description = "Which role reading the table needs: none (reader), sensitive (sensitive or admin), paths "
                + "(reader under hostquery.security.reader-paths, sensitive elsewhere)", enumeration = {"none", "sensitive", "paths"})
        String sensitivity,
        @JsonProperty("sensitivity_reason") @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "What makes the table sensitive; absent when it is not", nullable = true)
        String sensitivityReason,
        @Schema(description = "Whether the caller's roles let it read the table") boolean readable) {

    /** A column, as REST shows it. */
    @Schema(name = "Column", description = "A column with its SQL type and osquery flags.")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ColumnDto(
            @Schema(description = "Column name", examples = "pid") String name,
            @Schema(description = "SQL type", enumeration = {"TEXT", "INTEGER", "BIGINT", "UNSIGNED BIGINT", "DOUBLE", "BLOB"}) String type,
            @Schema(description = "What the value is, its unit and source") String description,
            @Schema(description = "osquery flags", enumeration = {"index", "required", "additional", "hidden", "optimized"})
            List<String> flags,
            @Schema(description = "SQLite collation for comparisons, when not the default", nullable = true) String collate) {
    }

    static TableDto of(TableSpec spec, dev.hostquery.query.sqlite.Access access) {
        List<ColumnDto> columns = spec.columns().stream().map(TableDto::column).toList();
        return new TableDto(spec.name(), spec.description(), spec.evented(), columns, spec.requiredColumns(),
                List.copyOf(spec.patternColumns()), spec.aliases(), spec.examples(),
                spec.sensitivity().name().toLowerCase(Locale.ROOT), spec.sensitivityReason(), access.tableDenial(spec) == null);
    }

    private static ColumnDto column(ColumnSpec c) {
        List<String> flags = c.flags().stream().sorted().map(f -> f.name().toLowerCase(Locale.ROOT)).toList();
        return new ColumnDto(c.name(), c.type().sqlName(), c.description(), flags, c.collate());
    }

}
