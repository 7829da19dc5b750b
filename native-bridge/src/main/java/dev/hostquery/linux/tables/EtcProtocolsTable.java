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
 * {@code etc_protocols}: IP protocol numbers, from /etc/protocols (protocols(5)).
 */
public final class EtcProtocolsTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("etc_protocols")
            .description("IP protocol numbers, from /etc/protocols (protocols(5)).")
            .column("name", ColumnType.TEXT, "Protocol name")
            .column("number", ColumnType.INTEGER, "Protocol number")
            .column("alias", ColumnType.TEXT, "Alias (usually the name in capitals)")
            .column("comment", ColumnType.TEXT, "Trailing comment")
            .example("SELECT number FROM etc_protocols WHERE name = 'tcp'")
            .build();

    public EtcProtocolsTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (String line : root.lines("/etc/protocols")) {
            String[] parsed = EtcServicesTable.parseLine(line);
            if (parsed == null) {
                continue;
            }
            String[] f = Values.fields(parsed[0]);
            if (f.length < 2) {
                continue;
            }
            if (!row.set("name", f[0]).set("number", Values.parseLong(f[1]))
                    .set("alias", String.join(" ", java.util.Arrays.copyOfRange(f, 2, f.length))).set("comment", parsed[1])
                    .emit(sink)) {
                return;
            }
        }
    }

}
