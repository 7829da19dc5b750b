package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;

/**
 * {@code logged_in_users}: Login sessions and system records in utmp (/run/utmp, or /var/run/utmp), one row per non-empty record.
 */
public final class LoggedInUsersTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("logged_in_users")
            .description("Login sessions and system records in utmp (/run/utmp, or /var/run/utmp), one row per non-empty record.")
            .column("type", ColumnType.TEXT, "Record type: user, login, init, dead, boot_time, runlevel, ...")
            .column("user", ColumnType.TEXT, "User name")
            .column("tty", ColumnType.TEXT, "Terminal line (pts/0, tty1)")
            .column("host", ColumnType.TEXT, "Remote host name or address")
            .column("time", ColumnType.BIGINT, "Time of the record, seconds since the epoch")
            .column("pid", ColumnType.INTEGER, "Process ID of the login process")
            .example("SELECT user, host, time FROM logged_in_users WHERE type = 'user'")
            .build();

    public LoggedInUsersTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        byte[] data = root.readBytes("/run/utmp").or(() -> root.readBytes("/var/run/utmp")).orElse(new byte[0]);
        for (Utmp.Entry e : Utmp.parse(data)) {
            if (e.type() == 0) {
                continue;
            }
            row.set("type", e.typeName()).set("user", e.user()).set("tty", e.line()).set("host", e.host())
                    .set("time", e.time()).set("pid", e.pid());
            if (!row.emit(sink)) {
                return;
            }
        }
    }

}
