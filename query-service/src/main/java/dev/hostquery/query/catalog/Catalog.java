package dev.hostquery.query.catalog;

import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every table the host offers, by name and alias. Immutable. */
public final class Catalog {
    private final List<Table> tables;
    private final Map<String, Table> byName = new HashMap<>();

    /**
     * @throws IllegalArgumentException when two tables share a name or alias
     */
    public Catalog(List<Table> tables) {
        this.tables = tables.stream().sorted(Comparator.comparing(t -> t.spec().name())).toList();
        for (Table table : this.tables) {
            register(table.spec().name(), table);
            table.spec().aliases().forEach(alias -> register(alias, table));
        }
    }

    private void register(String name, Table table) {
        Table previous = byName.putIfAbsent(name, table);
        if (previous != null) {
            throw new IllegalArgumentException("two tables are named '" + name + "': " + previous.spec().name()
                    + " and " + table.spec().name());
        }
    }

    /** Tables ordered by name. */
    public List<Table> tables() {
        return tables;
    }

    public List<TableSpec> specs() {
        return tables.stream().map(Table::spec).toList();
    }

    /** A table by name or alias, case-insensitively as SQLite resolves names. */
    public Optional<TableSpec> find(String name) {
        Table table = byName.get(name.toLowerCase(java.util.Locale.ROOT));
        return Optional.ofNullable(table).map(Table::spec);
    }
}
