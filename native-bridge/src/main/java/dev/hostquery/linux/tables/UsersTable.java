package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;

/**
 * {@code users}: Local user accounts from /etc/passwd.
 */
public final class UsersTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("users")
            .description("Local user accounts from /etc/passwd.")
            .column("uid", ColumnType.BIGINT, "User ID", ColumnFlag.INDEX)
            .column("gid", ColumnType.BIGINT, "Group ID")
            .column("uid_signed", ColumnType.BIGINT, "User ID as a signed integer")
            .column("gid_signed", ColumnType.BIGINT, "Group ID as a signed integer")
            .column("username", ColumnType.TEXT, "User name", ColumnFlag.ADDITIONAL)
            .column("description", ColumnType.TEXT, "GECOS field (usually the full name)")
            .column("directory", ColumnType.TEXT, "Home directory")
            .column("shell", ColumnType.TEXT, "Login shell")
            .column("uuid", ColumnType.TEXT, "NOCASE", "Always empty on Linux (a macOS and Windows concept)", ColumnFlag.INDEX)
            .column("pid_with_namespace", ColumnType.INTEGER, "Not supported: always NULL (osquery reads another process's mount namespace)", ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN)
            .column("include_remote", ColumnType.INTEGER, "Accepted for osquery compatibility; only local users are listed", ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN)
            .example("SELECT username, shell FROM users WHERE uid >= 1000")
            .example("SELECT * FROM users WHERE uid = 0")
            .build();

    public UsersTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (Accounts.User u : Accounts.users(root, context)) {
            row.set("uid", u.uid()).set("gid", u.gid()).set("uid_signed", (long) (int) u.uid())
                    .set("gid_signed", (long) (int) u.gid()).set("username", u.name()).set("description", u.gecos())
                    .set("directory", u.home()).set("shell", u.shell()).set("uuid", "");
            if (!row.emit(sink)) {
                return;
            }
        }
    }

}
