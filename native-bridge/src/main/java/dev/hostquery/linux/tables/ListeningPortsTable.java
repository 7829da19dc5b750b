package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;

/**
 * {@code listening_ports}: Sockets that accept connections or datagrams: TCP sockets in LISTEN, bound UDP sockets with no peer, and listening Unix sockets, with the process that owns each (from /proc/<pid>/fd and /proc/<pid>/net/*).
 */
public final class ListeningPortsTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("listening_ports")
            .description("Sockets that accept connections or datagrams: TCP sockets in LISTEN, bound UDP sockets with no peer, and listening Unix sockets, with the process that owns each (from /proc/<pid>/fd and /proc/<pid>/net/*).")
            .column("pid", ColumnType.INTEGER, "Process ID owning the socket; NULL when no visible process holds it")
            .column("port", ColumnType.INTEGER, "Local port; 0 for Unix sockets")
            .column("protocol", ColumnType.INTEGER, "IP protocol number (TCP 6, UDP 17), 0 for Unix sockets")
            .column("family", ColumnType.INTEGER, "Address family (AF_INET 2, AF_INET6 10, AF_UNIX 1)")
            .column("address", ColumnType.TEXT, "Local address the socket is bound to")
            .column("fd", ColumnType.BIGINT, "File descriptor in the owning process")
            .column("socket", ColumnType.BIGINT, "Socket inode number")
            .column("path", ColumnType.TEXT, "Unix socket path")
            .column("net_namespace", ColumnType.TEXT, "Network namespace inode")
            .example("SELECT DISTINCT p.name, l.port FROM listening_ports l JOIN processes p USING (pid) WHERE l.port != 0")
            .build();

    public ListeningPortsTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        new Sockets(root).forEachOwned(Procs.pids(root, context, "pid"), context, o -> {
            Sockets.Entry s = o.socket();
            if (!s.listening()) {
                return true;
            }
            return row.set("pid", o.pid()).set("port", s.localPort() == null ? 0L : s.localPort()).set("protocol", s.protocol())
                    .set("family", s.family()).set("address", s.family() == Sockets.AF_UNIX ? "" : s.localAddress())
                    .set("fd", o.fd()).set("socket", s.inode()).set("path", s.path() == null ? "" : s.path())
                    .set("net_namespace", o.netns()).emit(sink);
        });
    }

}
