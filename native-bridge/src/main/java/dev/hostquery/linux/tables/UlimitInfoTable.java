package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import java.util.Map;

/**
 * {@code ulimit_info}: Resource limits (getrlimit(2)) of the hostquery process, from /proc/self/limits.
 */
public final class UlimitInfoTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("ulimit_info")
            .description("Resource limits (getrlimit(2)) of the hostquery process, from /proc/self/limits.")
            .column("type", ColumnType.TEXT, "Resource: cpu, fsize, data, stack, core, rss, nproc, nofile, memlock, as, locks, sigpending, msgqueue, nice, rtprio, rttime")
            .column("soft_limit", ColumnType.TEXT, "Soft limit, or unlimited")
            .column("hard_limit", ColumnType.TEXT, "Hard limit, or unlimited")
            .example("SELECT soft_limit, hard_limit FROM ulimit_info WHERE type = 'nofile'")
            .build();

    public UlimitInfoTable(HostRoot root) {
        super(root, SPEC, false);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (String line : root.lines("/proc/self/limits")) {
            for (Map.Entry<String, String> e : LIMITS.entrySet()) {
                if (line.startsWith(e.getKey())) {
                    String[] f = Values.fields(line.substring(e.getKey().length()));
                    if (f.length >= 2 && !row.set("type", e.getValue()).set("soft_limit", f[0]).set("hard_limit", f[1]).emit(sink)) {
                        return;
                    }
                }
            }
        }
    }

    /** /proc/self/limits labels and the RLIMIT_* names osquery uses for them. */
    private static final Map<String, String> LIMITS = Map.ofEntries(Map.entry("Max cpu time", "cpu"),
            Map.entry("Max file size", "fsize"), Map.entry("Max data size", "data"), Map.entry("Max stack size", "stack"),
            Map.entry("Max core file size", "core"), Map.entry("Max resident set", "rss"), Map.entry("Max processes", "nproc"),
            Map.entry("Max open files", "nofile"), Map.entry("Max locked memory", "memlock"),
            Map.entry("Max address space", "as"), Map.entry("Max file locks", "locks"),
            Map.entry("Max pending signals", "sigpending"), Map.entry("Max msgqueue size", "msgqueue"),
            Map.entry("Max nice priority", "nice"), Map.entry("Max realtime priority", "rtprio"),
            Map.entry("Max realtime timeout", "rttime"));
}
