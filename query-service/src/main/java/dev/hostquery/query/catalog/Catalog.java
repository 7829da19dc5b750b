package dev.hostquery.query.catalog;

import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every table the host offers, by name and alias, and the configured views, listed as tables. Immutable. */
public final class Catalog {
    private final List<Table> tables;
    private final List<TableSpec> specs;
    private final Map<String, TableSpec> byName = new HashMap<>();

    /**
     * @throws IllegalArgumentException when two tables share a name or alias
     */
    public Catalog(List<Table> tables) {
        this(tables, List.of());
    }

    /**
     * @param views the views' specs ({@code QueryEngine.views()})
     * @throws IllegalArgumentException when two tables or views share a name or alias
     */
    public Catalog(List<Table> tables, List<TableSpec> views) {
        this.tables = tables.stream().sorted(Comparator.comparing(t -> t.spec().name())).toList();
        List<TableSpec> all = new java.util.ArrayList<>(this.tables.stream().map(Table::spec).toList());
        all.addAll(views);
        this.specs = all.stream().sorted(Comparator.comparing(TableSpec::name)).toList();
        for (TableSpec spec : this.specs) {
            register(spec.name(), spec);
            spec.aliases().forEach(alias -> register(alias, spec));
        }
    }

    private void register(String name, TableSpec spec) {
        TableSpec previous = byName.putIfAbsent(name, spec);
        if (previous != null) {
            throw new IllegalArgumentException("two tables are named '" + name + "': " + previous.name() + " and " + spec.name());
        }
    }

    /** Tables ordered by name (not the views). */
    public List<Table> tables() {
        return tables;
    }

    /** Tables and views ordered by name. */
    public List<TableSpec> specs() {
        return specs;
    }

    /** A table or view by name or alias, case-insensitively as SQLite resolves names. */
    public Optional<TableSpec> find(String name) {
        return Optional.ofNullable(byName.get(name.toLowerCase(java.util.Locale.ROOT)));
    }
}
