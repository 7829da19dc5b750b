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
 * {@code load_average}: System load averages over 1, 5 and 15 minutes, from /proc/loadavg.
 */
public final class LoadAverageTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("load_average")
            .description("System load averages over 1, 5 and 15 minutes, from /proc/loadavg.")
            .column("period", ColumnType.TEXT, "1m, 5m or 15m")
            .column("average", ColumnType.TEXT, "Average number of runnable and uninterruptible tasks, as text")
            .example("SELECT average FROM load_average WHERE period = '1m'")
            .build();

    public LoadAverageTable(HostRoot root) {
        super(root, SPEC, false);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        String[] f = Values.fields(root.value("/proc/loadavg").orElse(""));
        RowBuilder row = new RowBuilder(SPEC);
        String[] periods = {"1m", "5m", "15m"};
        for (int i = 0; i < 3 && i < f.length; i++) {
            if (!row.set("period", periods[i]).set("average", f[i]).emit(sink)) {
                return;
            }
        }
    }

}
