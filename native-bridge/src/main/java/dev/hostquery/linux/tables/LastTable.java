package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;

/**
 * {@code last}: Login, logout, boot and runlevel records from /var/log/wtmp, oldest first.
 */
public final class LastTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("last")
            .description("Login, logout, boot and runlevel records from /var/log/wtmp, oldest first.")
            .column("username", ColumnType.TEXT, "User name")
            .column("tty", ColumnType.TEXT, "Terminal line")
            .column("pid", ColumnType.INTEGER, "Process ID")
            .column("type", ColumnType.INTEGER, "utmp record type number (utmp(5)): 1 runlevel, 2 boot, 7 login, 8 logout")
            .column("type_name", ColumnType.TEXT, "Record type name")
            .column("time", ColumnType.INTEGER, "Time of the record, seconds since the epoch")
            .column("host", ColumnType.TEXT, "Remote host name or address")
            .example("SELECT username, host, datetime(time, 'unixepoch') FROM last WHERE type = 7")
            .build();

    public LastTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (Utmp.Entry e : Utmp.parse(root.readBytes("/var/log/wtmp").orElse(new byte[0]))) {
            if (e.type() != 1 && e.type() != 2 && e.type() != 7 && e.type() != 8) {
                continue;
            }
            row.set("username", e.user()).set("tty", e.line()).set("pid", e.pid()).set("type", e.type())
                    .set("type_name", e.typeName()).set("time", e.time()).set("host", e.host());
            if (!row.emit(sink)) {
                return;
            }
        }
    }

}
