package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.FileAttributes;
import dev.hostquery.linux.HostRoot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code suid_bin}: Set-user-ID and set-group-ID executables in the system binary directories (/bin, /sbin, /usr/bin, /usr/sbin, /usr/local/bin, /usr/local/sbin, and /usr/lib and /usr/libexec to three levels).
 */
public final class SuidBinTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("suid_bin")
            .description("Set-user-ID and set-group-ID executables in the system binary directories (/bin, /sbin, /usr/bin, /usr/sbin, /usr/local/bin, /usr/local/sbin, and /usr/lib and /usr/libexec to three levels).")
            .column("path", ColumnType.TEXT, "Path of the binary")
            .column("username", ColumnType.TEXT, "Owner name (from /etc/passwd), or the uid")
            .column("groupname", ColumnType.TEXT, "Group name (from /etc/group), or the gid")
            .column("permissions", ColumnType.TEXT, "S for set-user-ID, G for set-group-ID, SG for both")
            .column("pid_with_namespace", ColumnType.INTEGER, "Not supported: always NULL (osquery reads another process's mount namespace)", ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN)
            .example("SELECT path, username, permissions FROM suid_bin")
            .build();

    public SuidBinTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        Map<Long, String> users = new HashMap<>();
        Accounts.users(root).forEach(u -> users.putIfAbsent(u.uid(), u.name()));
        Map<Long, String> groups = new HashMap<>();
        Accounts.groups(root).forEach(g -> groups.putIfAbsent(g.gid(), g.name()));
        Set<String> seen = new HashSet<>();
        for (Directory dir : DIRECTORIES) {
            context.checkCancelled();
            // walked once, by its real path: /bin is a link to /usr/bin on merged-/usr systems
            FileAttributes d = root.stat(dir.path()).orElse(null);
            if (d == null || !d.type().equals("directory") || !seen.add(d.device() + ":" + d.inode())) {
                continue;
            }
            String start = root.realPath(dir.path()).orElse(dir.path());
            List<String> files = new ArrayList<>();
            // unreadable directories are skipped and links are not followed below the start, as in osquery
            root.walk(start, dir.depth(), (path, type) -> {
                context.checkCancelled();
                if (type.equals("regular")) {
                    files.add(path);
                }
                return true;
            });
            for (String path : files) {
                context.checkCancelled();
                FileAttributes a = root.lstat(path).orElse(null);
                if (a == null || !a.isRegular() || (a.mode() & 06000) == 0) {
                    continue;
                }
                int mode = a.mode();
                long uid = a.uid();
                long gid = a.gid();
                row.set("path", path).set("username", users.getOrDefault(uid, Long.toString(uid)))
                        .set("groupname", groups.getOrDefault(gid, Long.toString(gid)))
                        .set("permissions", ((mode & 04000) != 0 ? "S" : "") + ((mode & 02000) != 0 ? "G" : ""));
                if (!row.emit(sink)) {
                    return;
                }
            }
        }
    }

    /** A directory searched, and the levels below it searched (1: its entries only). */
    private record Directory(String path, int depth) {
    }

    private static final List<Directory> DIRECTORIES = List.of(new Directory("/bin", 1), new Directory("/sbin", 1),
            new Directory("/usr/bin", 1), new Directory("/usr/sbin", 1), new Directory("/usr/local/bin", 1),
            new Directory("/usr/local/sbin", 1), new Directory("/usr/lib", 3), new Directory("/usr/libexec", 3));

}
