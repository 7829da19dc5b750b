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
 * {@code arp_cache}: The IPv4 neighbour (ARP) cache, from /proc/net/arp.
 */
public final class ArpCacheTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("arp_cache")
            .description("The IPv4 neighbour (ARP) cache, from /proc/net/arp.")
            .column("address", ColumnType.TEXT, "IPv4 address")
            .column("mac", ColumnType.TEXT, "NOCASE", "Hardware address")
            .column("interface", ColumnType.TEXT, "Interface")
            .column("permanent", ColumnType.TEXT, "1 for a static entry (ATF_PERM), else 0")
            .example("SELECT address, mac FROM arp_cache")
            .build();

    public ArpCacheTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (String line : root.lines("/proc/net/arp")) {
            String[] f = Values.fields(line);
            if (f.length < 6 || f[0].equals("IP")) {
                continue;
            }
            Long flags = Values.parseLong(f[2].replace("0x", ""), 16);
            if (!row.set("address", f[0]).set("mac", f[3]).set("interface", f[5])
                    .set("permanent", flags != null && (flags & 0x4) != 0 ? "1" : "0").emit(sink)) {
                return;
            }
        }
    }

}
