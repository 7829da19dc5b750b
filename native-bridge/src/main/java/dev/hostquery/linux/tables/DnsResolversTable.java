package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code dns_resolvers}: Resolver configuration from /etc/resolv.conf (resolv.conf(5)): one row per name server, search domain and sortlist entry.
 */
public final class DnsResolversTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("dns_resolvers")
            .description("Resolver configuration from /etc/resolv.conf (resolv.conf(5)): one row per name server, search domain and sortlist entry.")
            .column("id", ColumnType.INTEGER, "Position of the entry in its kind")
            .column("type", ColumnType.TEXT, "nameserver, search, domain or sortlist")
            .column("address", ColumnType.TEXT, "Address or domain")
            .column("netmask", ColumnType.TEXT, "Sortlist netmask, or NULL")
            .column("options", ColumnType.BIGINT, "Resolver option bitmask of the C library: not read, NULL")
            .column("pid_with_namespace", ColumnType.INTEGER, "Not supported: always NULL (osquery reads another process's mount namespace)", ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN)
            .example("SELECT address FROM dns_resolvers WHERE type = 'nameserver'")
            .build();

    public DnsResolversTable(HostRoot root) {
        super(root, SPEC, false);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        Map<String, Long> ids = new HashMap<>();
        for (String line : root.lines("/etc/resolv.conf")) {
            String[] f = Values.fields(line.replaceFirst("[#;].*", ""));
            if (f.length < 2 || !java.util.Set.of("nameserver", "search", "domain", "sortlist").contains(f[0])) {
                continue;
            }
            for (int i = 1; i < (f[0].equals("nameserver") ? 2 : f.length); i++) {
                long id = ids.merge(f[0], 1L, Long::sum) - 1;
                String[] addressMask = f[0].equals("sortlist") ? f[i].split("/", 2) : new String[] {f[i]};
                row.set("id", id).set("type", f[0]).set("address", addressMask[0])
                        .set("netmask", addressMask.length > 1 ? addressMask[1] : null).set("options", null);
                if (!row.emit(sink)) {
                    return;
                }
            }
        }
    }

}
