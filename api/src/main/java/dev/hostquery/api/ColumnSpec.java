package dev.hostquery.api;

import static java.util.Objects.requireNonNull;

import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One column of a table declaration.
 *
 * @param name        lower-case osquery column name ({@code [a-z_][a-z0-9_]*})
 * @param type        SQL type
 * @param description what the value is, its unit and where it comes from; may be empty
 * @param flags       osquery flags, never null
 * @param collate     collation for text comparisons: SQLite's NOCASE, BINARY, RTRIM, or hostquery's VERSION (dotted
 *                    version numbers) and VERSION_DPKG (Debian version order); null for the default
 */
public record ColumnSpec(String name, ColumnType type, String description, Set<ColumnFlag> flags, String collate) {
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    public ColumnSpec {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(flags, "flags is null");
        description = description == null ? "" : description;
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("column name '" + name + "' must match " + NAME.pattern());
        }
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
        if (collate != null && !collate.matches("(?i)nocase|binary|rtrim|version|version_dpkg")) {
            throw new IllegalArgumentException("column '" + name + "' has unknown collation '" + collate + "'");
        }
        collate = collate == null ? null : collate.toUpperCase(java.util.Locale.ROOT);
    }

    public boolean has(ColumnFlag flag) {
        return flags.contains(flag);
    }

    /** The column's definition inside SQLite's {@code CREATE TABLE}, e.g. {@code "mac" TEXT COLLATE NOCASE HIDDEN}. */
    public String sqlDefinition() {
        StringBuilder sb = new StringBuilder().append('"').append(name).append("\" ").append(type.sqlName());
        if (collate != null) {
            sb.append(" COLLATE ").append(collate);
        }
        if (has(ColumnFlag.HIDDEN)) {
            sb.append(" HIDDEN");
        }
        return sb.toString();
    }
}
