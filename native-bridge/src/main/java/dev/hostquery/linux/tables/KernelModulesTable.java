package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;

/**
 * {@code kernel_modules}: Loaded kernel modules, from /proc/modules (addresses read as zero without root).
 */
public final class KernelModulesTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("kernel_modules")
            .description("Loaded kernel modules, from /proc/modules (addresses read as zero without root).")
            .column("name", ColumnType.TEXT, "Module name")
            .column("size", ColumnType.BIGINT, "Memory size, bytes")
            .column("used_by", ColumnType.TEXT, "Modules using this one, comma-separated, or -")
            .column("status", ColumnType.TEXT, "Live, Loading or Unloading")
            .column("address", ColumnType.TEXT, "Load address, hex")
            .example("SELECT name, size FROM kernel_modules WHERE used_by = '-'")
            .build();

    public KernelModulesTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (String line : root.lines("/proc/modules")) {
            String[] f = Values.fields(line);
            if (f.length < 6) {
                continue;
            }
            String usedBy = f[3].equals("-") ? "-" : f[3].replaceAll(",$", "");
            if (!row.set("name", f[0]).set("size", Values.parseLong(f[1])).set("used_by", usedBy).set("status", f[4])
                    .set("address", f[5]).emit(sink)) {
                return;
            }
        }
    }

}
