package dev.hostquery.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one declaration of a table: its name, description, typed columns with osquery's flags, whether it is
 * evented, and example queries. The catalog, the docs and SQLite's {@code CREATE TABLE} are derived from it.
 *
 * <p>The constructor refuses a bad declaration with an {@link IllegalArgumentException} naming the table and
 * the rule it breaks: a missing description, no columns, a duplicate column, an evented table whose name does
 * not end in {@code _events} or that lacks a BIGINT {@code time} column, a pattern column that is unknown.
 * Every table is constructed when the build's tests run, so a bad declaration fails the build.
 *
 * @param name           lower-case table name ({@code [a-z][a-z0-9_]*}), osquery's where osquery has it
 * @param description    one or more sentences: what a row is and where the data comes from
 * @param columns        columns in declaration order (the order of {@code SELECT *})
 * @param evented        true for tables fed by the event store
 * @param examples       example SQL queries, shown in the catalog
 * @param aliases        other names the table answers to
 * @param patternColumns columns on which the table expands a {@code LIKE} pattern itself, so that a LIKE
 *                       constraint satisfies {@link ColumnFlag#REQUIRED}
 * @param sensitivity    which role reading the table needs ({@link Sensitivity})
 * @param sensitivityReason what makes the table sensitive, for the catalog; null for {@link Sensitivity#NONE}
 */
public record TableSpec(
        String name,
        String description,
        List<ColumnSpec> columns,
        boolean evented,
        List<String> examples,
        List<String> aliases,
        Set<String> patternColumns,
        Sensitivity sensitivity,
        String sensitivityReason) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    public TableSpec {
        requireNonNull(name, "name is null");
        requireNonNull(columns, "columns is null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("table name '" + name + "' must match " + NAME.pattern());
        }
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException("table '" + name + "' has no description");
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table '" + name + "' has no columns");
        }
        columns = List.copyOf(columns);
        examples = examples == null ? List.of() : List.copyOf(examples);
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        patternColumns = patternColumns == null ? Set.of() : Set.copyOf(patternColumns);
        sensitivity = sensitivity == null ? Sensitivity.NONE : sensitivity;
        if (sensitivity != Sensitivity.NONE && (sensitivityReason == null || sensitivityReason.isBlank())) {
            throw new IllegalArgumentException("sensitive table '" + name + "' does not say why it is sensitive");
        }
        if (sensitivity == Sensitivity.NONE) {
            sensitivityReason = null;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (ColumnSpec column : columns) {
            if (!seen.add(column.name())) {
                throw new IllegalArgumentException("table '" + name + "' declares column '" + column.name() + "' twice");
            }
        }
        for (String pattern : patternColumns) {
            if (!seen.contains(pattern)) {
                throw new IllegalArgumentException("table '" + name + "' names unknown pattern column '" + pattern + "'");
            }
        }
        if (evented) {
            if (!name.endsWith("_events")) {
                throw new IllegalArgumentException("evented table '" + name + "' must have a name ending in _events");
            }
            boolean hasTime = columns.stream().anyMatch(c -> c.name().equals("time") && c.type() == ColumnType.BIGINT);
            if (!hasTime) {
                throw new IllegalArgumentException("evented table '" + name + "' must have a BIGINT 'time' column");
            }
        }
        if (columns.stream().allMatch(c -> c.has(ColumnFlag.HIDDEN))) {
            throw new IllegalArgumentException("table '" + name + "' has only hidden columns");
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Position of the named column, or -1. */
    public int indexOf(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return i;
            }
        }
        return -1;
    }

    public Optional<ColumnSpec> column(String column) {
        int i = indexOf(column);
        return i < 0 ? Optional.empty() : Optional.of(columns.get(i));
    }

    /** Names of the columns flagged {@link ColumnFlag#REQUIRED}, in declaration order. */
    public List<String> requiredColumns() {
        return columns.stream().filter(c -> c.has(ColumnFlag.REQUIRED)).map(ColumnSpec::name).toList();
    }

    /** The statement SQLite's {@code sqlite3_declare_vtab} receives. */
    public String createTableSql() {
        StringBuilder sb = new StringBuilder("CREATE TABLE x(");
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(columns.get(i).sqlDefinition());
        }
        return sb.append(')').toString();
    }

    /** Builds a {@link TableSpec}; {@link #build()} applies every check of the record's constructor. */
    public static final class Builder {
        private final String name;
        private String description;
        private final List<ColumnSpec> columns = new ArrayList<>();
        private boolean evented;
        private final List<String> examples = new ArrayList<>();
        private final List<String> aliases = new ArrayList<>();
        private final Set<String> patternColumns = new LinkedHashSet<>();
        private final Map<String, String> collations = new HashMap<>();
        private Sensitivity sensitivity = Sensitivity.NONE;
        private String sensitivityReason;

        private Builder(String name) {
            this.name = name;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** Adds a column; flags in osquery's spelling. */
        public Builder column(String name, ColumnType type, String description, ColumnFlag... flags) {
            Set<ColumnFlag> set = flags.length == 0 ? Set.of() : EnumSet.of(flags[0], flags);
            columns.add(new ColumnSpec(name, type, description, set, collations.remove(name)));
            return this;
        }

        /** Adds a column with a collation (osquery's {@code collate="nocase"}). */
        public Builder column(String name, ColumnType type, String collate, String description, ColumnFlag... flags) {
            collations.put(name, collate);
            return column(name, type, description, flags);
        }

        public Builder evented() {
            this.evented = true;
            return this;
        }

        public Builder example(String sql) {
            examples.add(sql);
            return this;
        }

        public Builder alias(String alias) {
            aliases.add(alias);
            return this;
        }

        /** Declares that the table expands LIKE patterns on these columns itself (see {@link TableSpec}). */
        public Builder patternColumns(String... names) {
            patternColumns.addAll(List.of(names));
            return this;
        }

        /** Declares the table sensitive: only a role that allows sensitive tables reads it; {@code why} is shown. */
        public Builder sensitive(String why) {
            this.sensitivity = Sensitivity.SENSITIVE;
            this.sensitivityReason = why;
            return this;
        }

        /**
         * Declares the table sensitive outside the reader paths: it reads files, and calls
         * {@link QueryContext#checkPath} for each path before reading it.
         */
        public Builder sensitivePaths(String why) {
            this.sensitivity = Sensitivity.PATHS;
            this.sensitivityReason = why;
            return this;
        }

        public TableSpec build() {
            return new TableSpec(name, description, columns, evented, examples, aliases, patternColumns, sensitivity,
                    sensitivityReason);
        }
    }
}
