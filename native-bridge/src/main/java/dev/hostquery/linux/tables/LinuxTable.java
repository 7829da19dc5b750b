package dev.hostquery.linux.tables;

import static java.util.Objects.requireNonNull;

import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;

/** What every Linux table has: its declaration and the host root it reads under. */
abstract class LinuxTable implements Table {
    protected final HostRoot root;
    private final TableSpec spec;
    private final boolean streams;

    /** A table whose scans may be long or large (see {@link Table#streams()}). */
    LinuxTable(HostRoot root, TableSpec spec) {
        this(root, spec, true);
    }

    LinuxTable(HostRoot root, TableSpec spec, boolean streams) {
        this.root = requireNonNull(root, "root is null");
        this.spec = requireNonNull(spec, "spec is null");
        this.streams = streams;
    }

    @Override
    public final TableSpec spec() {
        return spec;
    }

    @Override
    public final boolean streams() {
        return streams;
    }
}
