package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import java.util.Map;

/**
 * {@code memory_info}: Main memory and swap, from /proc/meminfo; every size in bytes.
 */
public final class MemoryInfoTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("memory_info")
            .description("Main memory and swap, from /proc/meminfo; every size in bytes.")
            .column("memory_total", ColumnType.BIGINT, "Total usable memory (MemTotal)")
            .column("memory_free", ColumnType.BIGINT, "Unused memory (MemFree)")
            .column("memory_available", ColumnType.BIGINT, "Memory available without swapping (MemAvailable)")
            .column("buffers", ColumnType.BIGINT, "Block device buffers (Buffers)")
            .column("cached", ColumnType.BIGINT, "Page cache (Cached)")
            .column("swap_cached", ColumnType.BIGINT, "Swap cache (SwapCached)")
            .column("active", ColumnType.BIGINT, "Recently used memory (Active)")
            .column("inactive", ColumnType.BIGINT, "Less recently used memory (Inactive)")
            .column("swap_total", ColumnType.BIGINT, "Total swap (SwapTotal)")
            .column("swap_free", ColumnType.BIGINT, "Unused swap (SwapFree)")
            .example("SELECT memory_available * 100 / memory_total AS percent_available FROM memory_info")
            .build();

    public MemoryInfoTable(HostRoot root) {
        super(root, SPEC, false);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        Map<String, String> m = ProcessesTable.parseStatus(root.read("/proc/meminfo").orElse(""));
        if (m.isEmpty()) {
            return;
        }
        RowBuilder row = new RowBuilder(SPEC);
        String[][] fields = {{"memory_total", "MemTotal"}, {"memory_free", "MemFree"}, {"memory_available", "MemAvailable"},
            {"buffers", "Buffers"}, {"cached", "Cached"}, {"swap_cached", "SwapCached"}, {"active", "Active"},
            {"inactive", "Inactive"}, {"swap_total", "SwapTotal"}, {"swap_free", "SwapFree"}};
        for (String[] f : fields) {
            Long kb = Values.parseLong(m.getOrDefault(f[1], "").replace("kB", ""));
            row.set(f[0], kb == null ? null : kb * 1024);
        }
        row.emit(sink);
    }

}
