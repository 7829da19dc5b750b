package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.FileDigests;
import dev.hostquery.linux.HostRoot;

/**
 * {@code hash}: MD5, SHA-1 and SHA-256 digests of the regular files the query names (path =, IN, LIKE; or directory =), computed in one read of each file.
 */
public final class HashTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("hash")
            .sensitivePaths("digests of file contents: outside the reader paths they confirm guesses of secret files (the sha256 of /etc/shadow)")
            .description("MD5, SHA-1 and SHA-256 digests of the regular files the query names (path =, IN, LIKE; or directory =), computed in one read of each file.")
            .column("path", ColumnType.TEXT, "Absolute path", ColumnFlag.INDEX, ColumnFlag.REQUIRED, ColumnFlag.OPTIMIZED)
            .column("directory", ColumnType.TEXT, "Directory holding the file", ColumnFlag.REQUIRED, ColumnFlag.OPTIMIZED)
            .column("md5", ColumnType.TEXT, "NOCASE", "MD5, lower-case hex")
            .column("sha1", ColumnType.TEXT, "NOCASE", "SHA-1, lower-case hex")
            .column("sha256", ColumnType.TEXT, "NOCASE", "SHA-256, lower-case hex")
            .column("pid_with_namespace", ColumnType.INTEGER, "Not supported: always NULL (osquery reads another process's mount namespace)", ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN)
            .column("mount_namespace_id", ColumnType.TEXT, "Not supported: always NULL", ColumnFlag.HIDDEN)
            .example("SELECT sha256 FROM hash WHERE path = '/usr/bin/ls'")
            .example("SELECT path, sha256 FROM hash WHERE directory = '/usr/sbin'")
            .patternColumns("path", "directory")
            .build();

    public HashTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        boolean md5 = context.isUsed("md5");
        boolean sha1 = context.isUsed("sha1");
        boolean sha256 = context.isUsed("sha256");
        for (String path : FilePatterns.paths(root, context)) {
            context.checkCancelled();
            // regular files only, opened non-blocking: a FIFO or a device is skipped, never read
            FileDigests.Digests digests = FileDigests.digest(root, path, md5, sha1, sha256, context).orElse(null);
            if (digests == null) {
                continue;
            }
            int slash = path.lastIndexOf('/');
            row.set("path", path).set("directory", slash <= 0 ? "/" : path.substring(0, slash))
                    .set("md5", digests.md5()).set("sha1", digests.sha1()).set("sha256", digests.sha256());
            if (!row.emit(sink)) {
                return;
            }
        }
    }
}
