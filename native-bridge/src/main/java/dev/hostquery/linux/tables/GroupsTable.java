package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import java.util.Optional;
import java.util.Set;

/**
 * {@code groups}: Local groups from /etc/group.
 */
public final class GroupsTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("groups")
            .description("Local groups from /etc/group.")
            .column("gid", ColumnType.BIGINT, "Group ID", ColumnFlag.INDEX)
            .column("gid_signed", ColumnType.BIGINT, "Group ID as a signed integer")
            .column("groupname", ColumnType.TEXT, "Group name")
            .column("pid_with_namespace", ColumnType.INTEGER, "Not supported: always NULL (osquery reads another process's mount namespace)", ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN)
            .example("SELECT gid FROM groups WHERE groupname = 'sudo'")
            .build();

    public GroupsTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        Optional<Set<Long>> gids = context.integerEquals("gid");
        for (Accounts.Group g : Accounts.groups(root)) {
            if (gids.isPresent() && !gids.get().contains(g.gid())) {
                continue;
            }
            if (!row.set("gid", g.gid()).set("gid_signed", (long) (int) g.gid()).set("groupname", g.name()).emit(sink)) {
                return;
            }
        }
    }

}
