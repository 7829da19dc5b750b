package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import java.util.List;

/**
 * {@code process_envs}: Environment variables of every process, from /proc/<pid>/environ (needs privileges for processes of other users).
 */
public final class ProcessEnvsTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("process_envs")
            .sensitive("every process's environment, where credentials and tokens are often passed (/proc/<pid>/environ)")
            .description("Environment variables of every process, from /proc/<pid>/environ (needs privileges for processes of other users).")
            .column("pid", ColumnType.INTEGER, "Process ID", ColumnFlag.INDEX, ColumnFlag.OPTIMIZED)
            .column("key", ColumnType.TEXT, "Variable name")
            .column("value", ColumnType.TEXT, "Variable value")
            .example("SELECT pid, value FROM process_envs WHERE key = 'PATH'")
            .build();

    public ProcessEnvsTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (long pid : Procs.pids(root, context, "pid")) {
            context.checkCancelled();
            byte[] environ = root.readBytes("/proc/" + pid + "/environ").orElse(null);
            if (environ == null) {
                continue;
            }
            for (String[] pair : parseEnviron(environ)) {
                if (!row.set("pid", pid).set("key", pair[0]).set("value", pair[1]).emit(sink)) {
                    return;
                }
            }
        }
    }

    /** Splits the NUL-separated KEY=value entries of /proc/<pid>/environ; an entry without '=' has value "". */
    static List<String[]> parseEnviron(byte[] bytes) {
        List<String[]> result = new java.util.ArrayList<>();
        for (String entry : new String(bytes, java.nio.charset.StandardCharsets.UTF_8).split("\0")) {
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            result.add(eq < 0 ? new String[] {entry, ""} : new String[] {entry.substring(0, eq), entry.substring(eq + 1)});
        }
        return result;
    }
}
