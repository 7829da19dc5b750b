package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import dev.hostquery.linux.ProcText;
import java.util.List;
import java.util.Map;
import java.util.HashMap;

/**
 * {@code processes}: One row per process, read from /proc/<pid>/stat, status, cmdline, io, cgroup and the exe, cwd and root links.
 */
public final class ProcessesTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("processes")
            .description("One row per process, read from /proc/<pid>/stat, status, cmdline, io, cgroup and the exe, cwd and root links.")
            .column("pid", ColumnType.BIGINT, "Process ID", ColumnFlag.INDEX, ColumnFlag.OPTIMIZED)
            .column("name", ColumnType.TEXT, "Command name (comm) from /proc/<pid>/stat")
            .column("path", ColumnType.TEXT, "Executable path, from the /proc/<pid>/exe link; NULL for kernel threads and when unreadable")
            .column("cmdline", ColumnType.TEXT, "Arguments joined by spaces, from /proc/<pid>/cmdline")
            .column("state", ColumnType.TEXT, "One-letter state from /proc/<pid>/stat (R, S, D, Z, T, ...)")
            .column("cwd", ColumnType.TEXT, "Working directory")
            .column("root", ColumnType.TEXT, "Root directory (differs in a chroot or container)")
            .column("uid", ColumnType.BIGINT, "User ID")
            .column("gid", ColumnType.BIGINT, "Group ID")
            .column("euid", ColumnType.BIGINT, "Effective user ID")
            .column("egid", ColumnType.BIGINT, "Effective group ID")
            .column("suid", ColumnType.BIGINT, "Saved user ID")
            .column("sgid", ColumnType.BIGINT, "Saved group ID")
            .column("on_disk", ColumnType.INTEGER, "1 when the executable still exists, 0 when it was deleted, -1 when unknown")
            .column("wired_size", ColumnType.BIGINT, "Locked memory (VmLck), bytes")
            .column("resident_size", ColumnType.BIGINT, "Resident memory (VmRSS), bytes")
            .column("total_size", ColumnType.BIGINT, "Virtual memory (VmSize), bytes")
            .column("user_time", ColumnType.BIGINT, "CPU time in user mode, milliseconds")
            .column("system_time", ColumnType.BIGINT, "CPU time in kernel mode, milliseconds")
            .column("disk_bytes_read", ColumnType.BIGINT, "Bytes read from storage (read_bytes of /proc/<pid>/io; needs privileges)")
            .column("disk_bytes_written", ColumnType.BIGINT, "Bytes written to storage (write_bytes of /proc/<pid>/io)")
            .column("start_time", ColumnType.BIGINT, "Start time, seconds since the epoch")
            .column("parent", ColumnType.BIGINT, "Parent process ID")
            .column("pgroup", ColumnType.BIGINT, "Process group ID")
            .column("threads", ColumnType.INTEGER, "Number of threads")
            .column("nice", ColumnType.INTEGER, "Nice value")
            .column("cgroup_path", ColumnType.TEXT, "cgroup v2 path from /proc/<pid>/cgroup")
            .example("SELECT pid, name, path FROM processes WHERE on_disk = 0")
            .example("SELECT name, resident_size FROM processes ORDER BY resident_size DESC LIMIT 5")
            .build();

    public ProcessesTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        Long boot = context.isUsed("start_time") ? Procs.bootTime(root) : null;
        boolean needStatus = context.isUsed("uid") || context.isUsed("gid") || context.isUsed("euid") || context.isUsed("egid")
                || context.isUsed("suid") || context.isUsed("sgid") || context.isUsed("resident_size")
                || context.isUsed("total_size") || context.isUsed("wired_size");
        for (long pid : Procs.pids(root, context, "pid")) {
            context.checkCancelled();
            String base = "/proc/" + pid;
            Stat stat = root.read(base + "/stat").map(ProcessesTable::parseStat).orElse(null);
            if (stat == null) {
                continue; // the process exited while we looked
            }
            row.set("pid", pid).set("name", stat.name()).set("state", stat.state()).set("parent", stat.parent())
                    .set("pgroup", stat.pgroup()).set("threads", stat.threads()).set("nice", stat.nice())
                    .set("user_time", stat.userTicks() * 1000 / Procs.CLOCK_TICKS)
                    .set("system_time", stat.systemTicks() * 1000 / Procs.CLOCK_TICKS)
                    .set("start_time", boot == null ? null : boot + stat.startTicks() / Procs.CLOCK_TICKS);
            if (context.isUsed("path") || context.isUsed("on_disk")) {
                String exe = root.readLink(base + "/exe").orElse(null);
                if (exe != null && exe.endsWith(" (deleted)")) {
                    row.set("path", exe.substring(0, exe.length() - 10)).set("on_disk", 0);
                } else {
                    row.set("path", exe).set("on_disk", exe == null ? -1 : 1);
                }
            }
            if (context.isUsed("cmdline")) {
                row.set("cmdline", root.readBytes(base + "/cmdline").map(ProcText::joinNul).orElse(null));
            }
            if (context.isUsed("cwd")) {
                row.set("cwd", root.readLink(base + "/cwd").orElse(null));
            }
            if (context.isUsed("root")) {
                row.set("root", root.readLink(base + "/root").orElse(null));
            }
            if (needStatus) {
                String[] status = root.read(base + "/status").map(text -> ProcText.statusFields(text, STATUS_KEYS)).orElse(new String[5]);
                long[] uids = ProcText.ids(status[0], 3);
                long[] gids = ProcText.ids(status[1], 3);
                row.set("uid", uids == null ? null : uids[0]).set("euid", uids == null ? null : uids[1])
                        .set("suid", uids == null ? null : uids[2]).set("gid", gids == null ? null : gids[0])
                        .set("egid", gids == null ? null : gids[1]).set("sgid", gids == null ? null : gids[2])
                        .set("resident_size", kilobytes(status[2])).set("total_size", kilobytes(status[3]))
                        .set("wired_size", kilobytes(status[4]));
            }
            if (context.isUsed("disk_bytes_read") || context.isUsed("disk_bytes_written")) {
                Map<String, String> io = root.read(base + "/io").map(ProcessesTable::parseStatus).orElse(Map.of());
                row.set("disk_bytes_read", Values.parseLong(io.get("read_bytes")))
                        .set("disk_bytes_written", Values.parseLong(io.get("write_bytes")));
            }
            if (context.isUsed("cgroup_path")) {
                row.set("cgroup_path", root.read(base + "/cgroup").map(ProcessesTable::parseCgroup).orElse(null));
            }
            if (!row.emit(sink)) {
                return;
            }
        }
    }

    /** The fields of /proc/<pid>/stat that the table uses (proc(5)). Times are in clock ticks. */
    record Stat(String name, String state, long parent, long pgroup, long userTicks, long systemTicks, long nice,
            long threads, long startTicks) {
    }

    /**
     * Parses /proc/<pid>/stat. The command name is between the first '(' and the <em>last</em> ')', since
     * it may itself contain parentheses and spaces. Returns null for text that is not a stat line.
     */
    static Stat parseStat(String text) {
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open || close + 2 > text.length()) {
            return null;
        }
        String[] f = text.substring(close + 2).strip().split(" ");
        if (f.length < 20) {
            return null;
        }
        try {
            return new Stat(text.substring(open + 1, close), f[0], Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[16]), Long.parseLong(f[17]),
                    Long.parseLong(f[19]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Parses "Key:\tvalue" lines (/proc/<pid>/status, /proc/<pid>/io) into a map. */
    static Map<String, String> parseStatus(String text) {
        Map<String, String> map = new HashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                map.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return map;
    }

    /** The cgroup v2 path ("0::/path") of /proc/<pid>/cgroup, else the first hierarchy's path; null if none. */
    static String parseCgroup(String text) {
        String first = null;
        for (String line : text.split("\n")) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3) {
                if (parts[0].equals("0") && parts[1].isEmpty()) {
                    return parts[2];
                }
                if (first == null) {
                    first = parts[2];
                }
            }
        }
        return first;
    }

    private static final String[] STATUS_KEYS = {"Uid:", "Gid:", "VmRSS:", "VmSize:", "VmLck:"};

    /** "1234 kB" in bytes; null when absent. Kernel threads have no Vm* lines: 0 would be a lie. */
    private static Long kilobytes(String value) {
        if (value == null) {
            return null;
        }
        Long kb = Values.parseLong(value.replace("kB", ""));
        return kb == null ? null : kb * 1024;
    }
}
