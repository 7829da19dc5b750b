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
 * {@code uptime}: Time since boot, from /proc/uptime.
 */
public final class UptimeTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("uptime")
            .description("Time since boot, from /proc/uptime.")
            .column("days", ColumnType.INTEGER, "Whole days")
            .column("hours", ColumnType.INTEGER, "Hours past the days")
            .column("minutes", ColumnType.INTEGER, "Minutes past the hours")
            .column("seconds", ColumnType.INTEGER, "Seconds past the minutes")
            .column("total_seconds", ColumnType.BIGINT, "Seconds since boot")
            .example("SELECT total_seconds FROM uptime")
            .build();

    public UptimeTable(HostRoot root) {
        super(root, SPEC, false);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        String[] f = Values.fields(root.value("/proc/uptime").orElse(""));
        if (f.length == 0) {
            return;
        }
        long total = (long) Double.parseDouble(f[0]);
        new RowBuilder(SPEC).set("days", total / 86_400).set("hours", total / 3600 % 24).set("minutes", total / 60 % 60)
                .set("seconds", total % 60).set("total_seconds", total).emit(sink);
    }

}
