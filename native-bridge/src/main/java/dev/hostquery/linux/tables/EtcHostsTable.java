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
 * {@code etc_hosts}: Static host names from /etc/hosts (hosts(5)).
 */
public final class EtcHostsTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("etc_hosts")
            .description("Static host names from /etc/hosts (hosts(5)).")
            .column("address", ColumnType.TEXT, "IP address")
            .column("hostnames", ColumnType.TEXT, "Host names and aliases, space-separated")
            .column("pid_with_namespace", ColumnType.INTEGER, "Not supported: always NULL (osquery reads another process's mount namespace)", ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN)
            .alias("hosts")
            .example("SELECT hostnames FROM etc_hosts WHERE address = '127.0.0.1'")
            .build();

    public EtcHostsTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (String line : root.lines("/etc/hosts")) {
            String[] f = Values.fields(stripComment(line));
            if (f.length < 2) {
                continue;
            }
            if (!row.set("address", f[0]).set("hostnames", String.join(" ", java.util.Arrays.copyOfRange(f, 1, f.length))).emit(sink)) {
                return;
            }
        }
    }

    static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }
}
