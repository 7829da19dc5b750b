package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.FileAttributes;
import dev.hostquery.linux.HostRoot;

/**
 * {@code file}: File metadata from lstat(2) for the paths the query names: path = or IN, directory = (its entries), or LIKE with % (one level) and %% (any depth).
 */
public final class FileTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("file")
            .sensitivePaths("metadata of any file: outside the reader paths it probes other users' private files and directories")
            .description("File metadata from lstat(2) for the paths the query names: path = or IN, directory = (its entries), or LIKE with % (one level) and %% (any depth).")
            .column("path", ColumnType.TEXT, "Absolute path", ColumnFlag.INDEX, ColumnFlag.REQUIRED, ColumnFlag.OPTIMIZED)
            .column("directory", ColumnType.TEXT, "Directory holding the file", ColumnFlag.REQUIRED, ColumnFlag.OPTIMIZED)
            .column("filename", ColumnType.TEXT, "Name within the directory")
            .column("inode", ColumnType.BIGINT, "Inode number")
            .column("uid", ColumnType.BIGINT, "Owner user ID")
            .column("gid", ColumnType.BIGINT, "Owner group ID")
            .column("mode", ColumnType.TEXT, "Permission bits in octal, e.g. 0644")
            .column("device", ColumnType.BIGINT, "ID of the device holding the file (st_dev)")
            .column("size", ColumnType.BIGINT, "Size in bytes")
            .column("block_size", ColumnType.INTEGER, "Preferred I/O block size of the file system holding the file (statvfs(3) f_bsize), bytes")
            .column("atime", ColumnType.BIGINT, "Last access, seconds since the epoch")
            .column("mtime", ColumnType.BIGINT, "Last modification, seconds since the epoch")
            .column("ctime", ColumnType.BIGINT, "Last status change, seconds since the epoch")
            .column("btime", ColumnType.BIGINT, "Creation (birth) time where the file system records it, else NULL")
            .column("hard_links", ColumnType.INTEGER, "Number of hard links")
            .column("symlink", ColumnType.INTEGER, "1 when the path is a symbolic link")
            .column("type", ColumnType.TEXT, "regular, directory, symlink, block, character, fifo, socket or unknown")
            .column("symlink_target_path", ColumnType.TEXT, "Target of a symbolic link, else empty")
            .column("pid_with_namespace", ColumnType.INTEGER, "Not supported: always NULL (osquery reads another process's mount namespace)", ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN)
            .column("mount_namespace_id", ColumnType.TEXT, "Not supported: always NULL", ColumnFlag.HIDDEN)
            .example("SELECT * FROM file WHERE path = '/etc/passwd'")
            .example("SELECT path, size FROM file WHERE directory = '/etc' AND type = 'regular'")
            .example("SELECT path FROM file WHERE path LIKE '/etc/%%' AND mode LIKE '%7'")
            .patternColumns("path", "directory")
            .build();

    public FileTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (String path : FilePatterns.paths(root, context)) {
            context.checkCancelled();
            FileAttributes a = root.lstat(path).orElse(null);
            if (a == null) {
                continue; // no such file: no row, as in osquery
            }
            String normalized = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            int slash = normalized.lastIndexOf('/');
            String type = a.type();
            String target = "";
            if (type.equals("symlink")) {
                target = root.readLink(normalized).orElse("");
            }
            row.set("path", path).set("directory", slash <= 0 ? "/" : normalized.substring(0, slash))
                    .set("filename", normalized.substring(slash + 1)).set("inode", a.inode()).set("uid", a.uid()).set("gid", a.gid())
                    .set("mode", a.permissions()).set("device", a.device()).set("size", a.size())
                    .set("block_size", context.isUsed("block_size") ? root.statvfs(path).map(v -> v.f_bsize.longValue()).orElse(null) : null)
                    .set("atime", a.atime()).set("mtime", a.mtime()).set("ctime", a.ctime()).set("btime", a.btime())
                    .set("hard_links", a.links()).set("symlink", type.equals("symlink") ? 1 : 0)
                    .set("type", type).set("symlink_target_path", target);
            if (!row.emit(sink)) {
                return;
            }
        }
    }
}
