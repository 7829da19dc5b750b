package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;

/**
 * {@code process_open_sockets}: Sockets open in every process: the socket inodes of /proc/<pid>/fd joined with the socket tables of the network namespace of the process (/proc/<pid>/net/tcp, tcp6, udp, udp6, raw, raw6, unix).
 */
public final class ProcessOpenSocketsTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("process_open_sockets")
            .description("Sockets open in every process: the socket inodes of /proc/<pid>/fd joined with the socket tables of the network namespace of the process (/proc/<pid>/net/tcp, tcp6, udp, udp6, raw, raw6, unix).")
            .column("pid", ColumnType.INTEGER, "Process ID", ColumnFlag.ADDITIONAL)
            .column("fd", ColumnType.BIGINT, "File descriptor number")
            .column("socket", ColumnType.BIGINT, "Socket inode number")
            .column("family", ColumnType.INTEGER, "Address family (AF_INET 2, AF_INET6 10, AF_UNIX 1)")
            .column("protocol", ColumnType.INTEGER, "IP protocol number (TCP 6, UDP 17), 0 for Unix sockets")
            .column("local_address", ColumnType.TEXT, "Local IP address")
            .column("remote_address", ColumnType.TEXT, "Remote IP address")
            .column("local_port", ColumnType.INTEGER, "Local port")
            .column("remote_port", ColumnType.INTEGER, "Remote port")
            .column("path", ColumnType.TEXT, "Unix socket path")
            .column("state", ColumnType.TEXT, "TCP state (ESTABLISHED, LISTEN, ...); empty for other protocols")
            .column("net_namespace", ColumnType.TEXT, "Network namespace inode")
            .example("SELECT pid, remote_address, remote_port FROM process_open_sockets WHERE state = 'ESTABLISHED'")
            .build();

    public ProcessOpenSocketsTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        new Sockets(root).forEachOwned(Procs.pids(root, context, "pid"), context, o -> {
            Sockets.Entry s = o.socket();
            return row.set("pid", o.pid()).set("fd", o.fd()).set("socket", s.inode()).set("family", s.family())
                    .set("protocol", s.protocol()).set("local_address", s.localAddress()).set("remote_address", s.remoteAddress())
                    .set("local_port", s.localPort()).set("remote_port", s.remotePort()).set("path", s.path())
                    .set("state", s.state()).set("net_namespace", o.netns()).emit(sink);
        });
    }

}
