package dev.hostquery.events.process;

import dev.hostquery.api.RowBuilder;
import dev.hostquery.events.framework.EventSubscriber;
import dev.hostquery.events.store.EventStore;
import dev.hostquery.events.tables.EventTableSpecs;
import dev.hostquery.linux.FileAttributes;

/** Rows of {@code process_events} from exec events; a process gone before it was read keeps pid and time. */
public final class ProcessEventsSubscriber extends EventSubscriber<ProcessExec> {
    private final RowBuilder row = new RowBuilder(EventTableSpecs.PROCESS_EVENTS);

    public ProcessEventsSubscriber(EventStore store) {
        super("process_events", EventTableSpecs.PROCESS_EVENTS, store);
    }

    @Override
    protected synchronized Object[] toRow(ProcessExec exec) {
        ProcessSnapshot s = exec.snapshot();
        row.set("pid", exec.pid()).set("uptime", exec.uptimeSeconds());
        if (s == null) {
            return row.set("syscall", "exec_gone").build();
        }
        FileAttributes exe = s.exe();
        row.set("path", s.path()).set("cmdline", s.cmdline()).set("cmdline_size", s.cmdlineSize()).set("env", s.env())
                .set("env_count", s.envCount()).set("env_size", s.envSize()).set("cwd", s.cwd())
                .set("auid", s.auid() == null || s.auid() == 4294967295L ? null : s.auid()).set("parent", s.parent())
                .set("syscall", "exec");
        long[] u = s.uids();
        long[] g = s.gids();
        row.set("uid", u == null ? null : u[0]).set("euid", u == null ? null : u[1]).set("suid", u == null ? null : u[2])
                .set("fsuid", u == null ? null : u[3]).set("gid", g == null ? null : g[0]).set("egid", g == null ? null : g[1])
                .set("sgid", g == null ? null : g[2]).set("fsgid", g == null ? null : g[3]);
        if (exe != null) {
            row.set("mode", exe.permissions()).set("owner_uid", exe.uid()).set("owner_gid", exe.gid()).set("atime", exe.atime())
                    .set("mtime", exe.mtime()).set("ctime", exe.ctime()).set("btime", exe.btime());
        }
        return row.build();
    }
}
