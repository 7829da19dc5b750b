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
 * {@code cpu_time}: Time each CPU spent in each mode since boot, from the cpuN lines of /proc/stat, in clock ticks (USER_HZ, 1/100 s).
 */
public final class CpuTimeTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("cpu_time")
            .description("Time each CPU spent in each mode since boot, from the cpuN lines of /proc/stat, in clock ticks (USER_HZ, 1/100 s).")
            .column("core", ColumnType.INTEGER, "CPU number")
            .column("user", ColumnType.BIGINT, "User mode")
            .column("nice", ColumnType.BIGINT, "User mode at low priority")
            .column("system", ColumnType.BIGINT, "Kernel mode")
            .column("idle", ColumnType.BIGINT, "Idle")
            .column("iowait", ColumnType.BIGINT, "Waiting for I/O")
            .column("irq", ColumnType.BIGINT, "Servicing interrupts")
            .column("softirq", ColumnType.BIGINT, "Servicing soft interrupts")
            .column("steal", ColumnType.BIGINT, "Stolen by the hypervisor")
            .column("guest", ColumnType.BIGINT, "Running a guest")
            .column("guest_nice", ColumnType.BIGINT, "Running a niced guest")
            .example("SELECT core, user, system, idle FROM cpu_time")
            .build();

    public CpuTimeTable(HostRoot root) {
        super(root, SPEC, false);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        String[] names = {"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice"};
        for (String line : root.lines("/proc/stat")) {
            if (!line.startsWith("cpu") || line.startsWith("cpu ")) {
                continue;
            }
            String[] f = Values.fields(line);
            Long core = Values.parseLong(f[0].substring(3));
            if (core == null) {
                continue;
            }
            row.set("core", core);
            for (int i = 0; i < names.length; i++) {
                row.set(names[i], i + 1 < f.length ? Values.parseLong(f[i + 1]) : null);
            }
            if (!row.emit(sink)) {
                return;
            }
        }
    }

}
