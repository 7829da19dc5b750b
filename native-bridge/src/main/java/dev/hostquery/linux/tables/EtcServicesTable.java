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
 * {@code etc_services}: Network services and their ports, from /etc/services (services(5)).
 */
public final class EtcServicesTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("etc_services")
            .description("Network services and their ports, from /etc/services (services(5)).")
            .column("name", ColumnType.TEXT, "Service name")
            .column("port", ColumnType.INTEGER, "Port number")
            .column("protocol", ColumnType.TEXT, "tcp, udp, ...")
            .column("aliases", ColumnType.TEXT, "Other names, space-separated")
            .column("comment", ColumnType.TEXT, "Trailing comment")
            .example("SELECT name, port FROM etc_services WHERE protocol = 'tcp' AND port < 100")
            .build();

    public EtcServicesTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (String line : root.lines("/etc/services")) {
            String[] parsed = parseLine(line);
            if (parsed == null) {
                continue;
            }
            String[] f = Values.fields(parsed[0]);
            String[] portProto = f.length >= 2 ? f[1].split("/") : new String[0];
            if (portProto.length != 2) {
                continue;
            }
            if (!row.set("name", f[0]).set("port", Values.parseLong(portProto[0])).set("protocol", portProto[1])
                    .set("aliases", String.join(" ", java.util.Arrays.copyOfRange(f, 2, f.length))).set("comment", parsed[1])
                    .emit(sink)) {
                return;
            }
        }
    }

    /** Splits a line into {entry, comment}; null for blank and comment-only lines. */
    static String[] parseLine(String line) {
        int hash = line.indexOf('#');
        String entry = (hash < 0 ? line : line.substring(0, hash)).strip();
        if (entry.isEmpty()) {
            return null;
        }
        return new String[] {entry, hash < 0 ? "" : line.substring(hash + 1).strip()};
    }
}
