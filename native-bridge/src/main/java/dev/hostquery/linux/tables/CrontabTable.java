package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code crontab}: Scheduled jobs from /etc/crontab, /etc/cron.d/* and the user crontabs in /var/spool/cron/crontabs/* (crontab(5)).
 */
public final class CrontabTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("crontab")
            .sensitive("scheduled commands of every account, which often carry credentials on their command lines")
            .description("Scheduled jobs from /etc/crontab, /etc/cron.d/* and the user crontabs in /var/spool/cron/crontabs/* (crontab(5)).")
            .column("event", ColumnType.TEXT, "The @ keyword of the line (@reboot, @daily, ...), or empty")
            .column("minute", ColumnType.TEXT, "Minute field")
            .column("hour", ColumnType.TEXT, "Hour field")
            .column("day_of_month", ColumnType.TEXT, "Day-of-month field")
            .column("month", ColumnType.TEXT, "Month field")
            .column("day_of_week", ColumnType.TEXT, "Day-of-week field")
            .column("command", ColumnType.TEXT, "The command (for system crontabs, preceded by the user it runs as)")
            .column("path", ColumnType.TEXT, "The crontab file")
            .column("pid_with_namespace", ColumnType.INTEGER, "Not supported: always NULL (osquery reads another process's mount namespace)", ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN)
            .example("SELECT command, path FROM crontab WHERE event = '@reboot'")
            .build();

    public CrontabTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        List<String> files = new ArrayList<>();
        files.add("/etc/crontab");
        for (String dir : new String[] {"/etc/cron.d", "/var/spool/cron/crontabs", "/var/spool/cron"}) {
            for (String name : root.list(dir).stream().sorted().toList()) {
                context.checkCancelled();
                if (!name.startsWith(".") && root.stat(dir + "/" + name).map(a -> a.isRegular()).orElse(false)) {
                    files.add(dir + "/" + name);
                }
            }
        }
        for (String file : files) {
            context.checkCancelled();
            for (String line : root.lines(file)) {
                String[] job = parseCronLine(line);
                if (job == null) {
                    continue;
                }
                row.set("event", job[0]).set("minute", job[1]).set("hour", job[2]).set("day_of_month", job[3])
                        .set("month", job[4]).set("day_of_week", job[5]).set("command", job[6]).set("path", file);
                if (!row.emit(sink)) {
                    return;
                }
            }
        }
    }

    /**
     * Splits a crontab line into {event, minute, hour, day of month, month, day of week, command}; null for
     * comments, blank lines and environment assignments (NAME=value). An @keyword line leaves the five time
     * fields empty.
     */
    static String[] parseCronLine(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
            return null;
        }
        if (t.startsWith("@")) {
            String[] f = t.split("\\s+", 2);
            return new String[] {f[0], "", "", "", "", "", f.length > 1 ? f[1] : ""};
        }
        String[] f = t.split("\\s+", 6);
        if (f.length < 6 || f[0].contains("=")) {
            return null;
        }
        return new String[] {"", f[0], f[1], f[2], f[3], f[4], f[5]};
    }
}
