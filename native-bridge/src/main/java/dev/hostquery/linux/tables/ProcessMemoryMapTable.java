package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import java.util.List;

/**
 * {@code process_memory_map}: Memory mappings of every process, from /proc/<pid>/maps.
 */
public final class ProcessMemoryMapTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("process_memory_map")
            .sensitive("every process's memory layout (/proc/<pid>/maps): addresses that defeat ASLR")
            .description("Memory mappings of every process, from /proc/<pid>/maps.")
            .column("pid", ColumnType.INTEGER, "Process ID", ColumnFlag.INDEX, ColumnFlag.OPTIMIZED)
            .column("start", ColumnType.TEXT, "Start address, hex with 0x")
            .column("end", ColumnType.TEXT, "End address, hex with 0x")
            .column("permissions", ColumnType.TEXT, "r, w, x and p (private) or s (shared)")
            .column("offset", ColumnType.BIGINT, "Offset into the mapped file, bytes")
            .column("device", ColumnType.TEXT, "Device as major:minor, hex")
            .column("inode", ColumnType.INTEGER, "Inode of the mapped file, 0 for anonymous memory")
            .column("path", ColumnType.TEXT, "Mapped file, or a pseudo name such as [heap], [stack]")
            .column("pseudo", ColumnType.INTEGER, "1 when the mapping is not a file ([heap], [vdso], anonymous)")
            .example("SELECT DISTINCT path FROM process_memory_map WHERE pid = 1 AND path LIKE '%.so%'")
            .build();

    public ProcessMemoryMapTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (long pid : Procs.pids(root, context, "pid")) {
            context.checkCancelled();
            for (String line : root.lines("/proc/" + pid + "/maps")) {
                Mapping m = parseMapLine(line);
                if (m == null) {
                    continue;
                }
                row.set("pid", pid).set("start", m.start()).set("end", m.end()).set("permissions", m.permissions())
                        .set("offset", m.offset()).set("device", m.device()).set("inode", m.inode()).set("path", m.path())
                        .set("pseudo", m.path().isEmpty() || m.path().startsWith("[") ? 1 : 0);
                if (!row.emit(sink)) {
                    return;
                }
            }
        }
    }

    record Mapping(String start, String end, String permissions, Long offset, String device, Long inode, String path) {
    }

    /** Parses one line of /proc/<pid>/maps: "start-end perms offset dev inode [path]"; null when malformed. */
    static Mapping parseMapLine(String line) {
        String[] f = line.strip().split("\\s+", 6);
        if (f.length < 5) {
            return null;
        }
        int dash = f[0].indexOf('-');
        if (dash < 0) {
            return null;
        }
        return new Mapping("0x" + f[0].substring(0, dash), "0x" + f[0].substring(dash + 1), f[1],
                Values.parseLong(f[2], 16), f[3], Values.parseLong(f[4]), f.length > 5 ? f[5] : "");
    }
}
