package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code user_groups}: Group memberships: each user's primary group from /etc/passwd and every supplementary group that lists the user in /etc/group.
 */
public final class UserGroupsTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("user_groups")
            .description("Group memberships: each user's primary group from /etc/passwd and every supplementary group that lists the user in /etc/group.")
            .column("uid", ColumnType.BIGINT, "User ID", ColumnFlag.INDEX, ColumnFlag.OPTIMIZED)
            .column("gid", ColumnType.BIGINT, "Group ID", ColumnFlag.INDEX)
            .example("SELECT u.username, g.groupname FROM user_groups ug JOIN users u USING (uid) JOIN groups g USING (gid)")
            .build();

    public UserGroupsTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        List<Accounts.Group> groups = Accounts.groups(root);
        for (Accounts.User u : Accounts.users(root, context)) {
            Set<Long> gids = new LinkedHashSet<>();
            gids.add(u.gid());
            for (Accounts.Group g : groups) {
                if (g.members().contains(u.name())) {
                    gids.add(g.gid());
                }
            }
            for (long gid : gids) {
                if (!row.set("uid", u.uid()).set("gid", gid).emit(sink)) {
                    return;
                }
            }
        }
    }

}
