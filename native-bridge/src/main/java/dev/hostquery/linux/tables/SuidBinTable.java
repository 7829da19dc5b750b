package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.FileAttributes;
import dev.hostquery.linux.HostRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

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
        Set<Path> seen = new HashSet<>();
        String[][] dirs = {{"/bin", "1"}, {"/sbin", "1"}, {"/usr/bin", "1"}, {"/usr/sbin", "1"}, {"/usr/local/bin", "1"},
            {"/usr/local/sbin", "1"}, {"/usr/lib", "3"}, {"/usr/libexec", "3"}};
        for (String[] dir : dirs) {
            Path start = root.resolve(dir[0]);
            try {
                if (!seen.add(start.toRealPath())) {
                    continue; // /bin is a link to /usr/bin on merged-/usr systems
                }
            } catch (java.io.IOException e) {
                continue;
            }
            java.util.List<Path> files;
            try (Stream<Path> walk = Files.walk(start.toRealPath(), Integer.parseInt(dir[1]))) {
                files = walk.toList();
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                continue;
            }
            for (Path file : files) {
                FileAttributes a = FileAttributes.lstat(file).orElse(null);
                if (a == null || !a.isRegular() || (a.mode() & 06000) == 0) {
                    continue;
                }
                int mode = a.mode();
                long uid = a.uid();
                long gid = a.gid();
                String path = root.hostPath(file);
                row.set("path", path).set("username", users.getOrDefault(uid, Long.toString(uid)))
                        .set("groupname", groups.getOrDefault(gid, Long.toString(gid)))
                        .set("permissions", ((mode & 04000) != 0 ? "S" : "") + ((mode & 02000) != 0 ? "G" : ""));
                if (!row.emit(sink)) {
                    return;
                }
            }
        }
    }

}
