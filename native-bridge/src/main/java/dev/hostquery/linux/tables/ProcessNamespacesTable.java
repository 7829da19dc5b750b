package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;

/**
 * {@code process_namespaces}: Namespace inodes of every process, from the links in /proc/<pid>/ns.
 */
public final class ProcessNamespacesTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("process_namespaces")
            .description("Namespace inodes of every process, from the links in /proc/<pid>/ns.")
            .column("pid", ColumnType.INTEGER, "Process ID", ColumnFlag.INDEX, ColumnFlag.OPTIMIZED)
            .column("cgroup_namespace", ColumnType.TEXT, "cgroup namespace inode")
            .column("ipc_namespace", ColumnType.TEXT, "ipc namespace inode")
            .column("mnt_namespace", ColumnType.TEXT, "mnt namespace inode")
            .column("net_namespace", ColumnType.TEXT, "net namespace inode")
            .column("pid_namespace", ColumnType.TEXT, "pid namespace inode")
            .column("user_namespace", ColumnType.TEXT, "user namespace inode")
            .column("uts_namespace", ColumnType.TEXT, "uts namespace inode")
            .example("SELECT pid FROM process_namespaces WHERE net_namespace != (SELECT net_namespace FROM process_namespaces WHERE pid = 1)")
            .build();

    public ProcessNamespacesTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (long pid : Procs.pids(root, context, "pid")) {
            context.checkCancelled();
            row.set("pid", pid);
            for (String ns : new String[] {"cgroup", "ipc", "mnt", "net", "pid", "user", "uts"}) {
                row.set(ns + "_namespace", Procs.bracketed(root.readLink("/proc/" + pid + "/ns/" + ns).orElse(null)));
            }
            if (!row.emit(sink)) {
                return;
            }
        }
    }

}
