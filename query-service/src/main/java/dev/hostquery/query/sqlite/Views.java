package dev.hostquery.query.sqlite;

import dev.hostquery.api.ColumnType;
import dev.hostquery.api.Sensitivity;
import dev.hostquery.api.TableSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Named SQL views from configuration ({@code hostquery.views.<name>}, osquery's {@code views} key): checked when the
 * engine is built, created as temporary views on every connection, and listed in the catalog as tables.
 *
 * <p>A view is expanded into the statement that reads it, so the authorizer sees, and checks against the
 * principal's roles, every table the view reads: a view over {@code shadow} is as sensitive as {@code shadow}, and
 * its catalog entry says so.
 */
final class Views {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private Views() {
    }

    /**
     * The views in name order, each a single SELECT (or WITH … SELECT) with a name no table uses.
     *
     * @param taken the names of the tables, their aliases and SQLite's own tables, lower case
     * @throws IllegalStateException naming the view and what is wrong with it
     */
    static Map<String, String> check(Map<String, String> views, Set<String> taken) {
        Map<String, String> checked = new LinkedHashMap<>();
        for (String name : new TreeSet<>(views.keySet())) {
            String sql = views.get(name).strip();
            String where = "view '" + name + "' (hostquery.views." + name + ")";
            if (!NAME.matcher(name).matches()) {
                throw new IllegalStateException(where + ": a view's name is 1 to 64 of a-z, 0-9 and _, starting with a letter");
            }
            if (taken.contains(name)) {
                throw new IllegalStateException(where + ": a table is named " + name + " already");
            }
            if (sql.endsWith(";")) {
                sql = sql.substring(0, sql.length() - 1).strip();
            }
            String head = sql.toLowerCase(Locale.ROOT);
            if (!(head.startsWith("select") || head.startsWith("with")) || sql.indexOf(';') >= 0) {
                throw new IllegalStateException(where + ": a view is one SELECT statement, got '" + abbreviate(sql) + "'");
            }
            checked.put(name, sql);
        }
        return checked;
    }

    /**
     * Prepares and runs each view (without rows) as the service, to report a view that does not work at start and to
     * learn its columns and the tables it reads.
     */
    static List<TableSpec> specs(QueryEngine engine, Map<String, String> views, Map<String, TableSpec> tables) {
        return views.keySet().stream().map(name -> {
            QueryResult probe;
            try {
                probe = engine.query("SELECT * FROM \"" + name + "\" WHERE 0", QueryLimits.NONE_REQUESTED, Caller.internal("views"));
            } catch (QueryException e) {
                throw new IllegalStateException("view '" + name + "' (hostquery.views." + name + "): " + e.getMessage(), e);
            }
            TableSpec.Builder spec = TableSpec.builder(name).description("A view (hostquery.views." + name + ") of "
                    + String.join(", ", new TreeSet<>(probe.tables())) + ": " + views.get(name));
            for (ResultColumn c : probe.columns()) {
                spec.column(c.name(), type(c.type()), "column " + c.name() + " of the view");
            }
            // as sensitive as the most sensitive table it reads
            for (String table : new TreeSet<>(probe.tables())) {
                TableSpec read = tables.get(table);
                if (read != null && read.sensitivity() == Sensitivity.SENSITIVE) {
                    spec.sensitive("reads " + table + ": " + read.sensitivityReason());
                    break;
                }
                if (read != null && read.sensitivity() == Sensitivity.PATHS) {
                    spec.sensitivePaths("reads " + table + ": " + read.sensitivityReason());
                }
            }
            return spec.build();
        }).toList();
    }

    private static ColumnType type(String declared) {
        try {
            return ColumnType.fromSqlName(declared);
        } catch (RuntimeException e) {
            return ColumnType.TEXT;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
