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
 * {@code process_open_files}: One row per open file descriptor of every process, from the links in /proc/<pid>/fd (needs privileges for processes of other users).
 */
public final class ProcessOpenFilesTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("process_open_files")
            .sensitive("the files every process, of every user, has open (/proc/<pid>/fd)")
            .description("One row per open file descriptor of every process, from the links in /proc/<pid>/fd (needs privileges for processes of other users).")
            .column("pid", ColumnType.BIGINT, "Process ID", ColumnFlag.INDEX)
            .column("fd", ColumnType.BIGINT, "File descriptor number")
            .column("path", ColumnType.TEXT, "Target of the descriptor: a path, or socket:[inode], pipe:[inode], anon_inode:...")
            .example("SELECT pid, fd, path FROM process_open_files WHERE pid = 1")
            .build();

    public ProcessOpenFilesTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (long pid : Procs.pids(root, context, "pid")) {
            context.checkCancelled();
            for (String fd : root.list("/proc/" + pid + "/fd")) {
                Long number = Values.parseLong(fd);
                String target = root.readLink("/proc/" + pid + "/fd/" + fd).orElse(null);
                if (number == null || target == null) {
                    continue;
                }
                if (!row.set("pid", pid).set("fd", number).set("path", target).emit(sink)) {
                    return;
                }
            }
        }
    }

}
