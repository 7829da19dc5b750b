package dev.hostquery.events.audit;

import dev.hostquery.api.RowBuilder;
import dev.hostquery.events.framework.EventSubscriber;
import dev.hostquery.events.store.EventStore;
import dev.hostquery.events.tables.EventTableSpecs;
import dev.hostquery.linux.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rows of {@code process_events} from audited execve and execveat calls: the full argument vector from the EXECVE
 * record, the ids and the executable from the SYSCALL record, the working directory, and the executable's mode
 * and owner from its PATH record. The environment is not audited: env stays NULL.
 */
public final class AuditProcessEventsSubscriber extends EventSubscriber<AuditEvent> {
    private final Syscalls syscalls = Syscalls.nativeTable();
    private final RowBuilder row = new RowBuilder(EventTableSpecs.PROCESS_EVENTS);

    public AuditProcessEventsSubscriber(EventStore store) {
        super("process_events", EventTableSpecs.PROCESS_EVENTS, store);
    }

    @Override
    protected synchronized Object[] toRow(AuditEvent e) {
        int syscall = e.syscallNumber();
        if (!syscalls.isExec(syscall)) {
            return null;
        }
        String cmdline = arguments(e.execve());
        Long auid = e.number("auid");
        row.set("pid", e.number("pid")).set("parent", e.number("ppid")).set("path", e.syscall().get("exe"))
                .set("cmdline", cmdline).set("cmdline_size", cmdline == null ? null : (long) cmdline.length()).set("cwd", e.cwd())
                .set("auid", auid == null || auid == 4294967295L ? null : auid).set("uid", e.number("uid")).set("euid", e.number("euid"))
                .set("suid", e.number("suid")).set("fsuid", e.number("fsuid")).set("gid", e.number("gid"))
                .set("egid", e.number("egid")).set("sgid", e.number("sgid")).set("fsgid", e.number("fsgid"))
                .set("syscall", syscall == syscalls.execve ? "execve" : "execveat");
        if (!e.paths().isEmpty()) {
            Map<String, String> exe = e.paths().getFirst();
            String mode = exe.get("mode");
            row.set("mode", mode == null ? null : mode.substring(Math.max(0, mode.length() - 4)))
                    .set("owner_uid", Values.parseLong(exe.get("ouid"))).set("owner_gid", Values.parseLong(exe.get("ogid")));
        }
        return row.build();
    }

    /** The EXECVE record's a0 … a(argc-1), joined by spaces; long arguments come as a0[0], a0[1], … parts. */
    static String arguments(Map<String, String> execve) {
        Long argc = Values.parseLong(execve.get("argc"));
        if (argc == null) {
            return null;
        }
        List<String> args = new ArrayList<>();
        for (int i = 0; i < argc; i++) {
            String whole = execve.get("a" + i);
            if (whole == null) {
                StringBuilder parts = new StringBuilder();
                for (int part = 0; execve.containsKey("a" + i + "[" + part + "]"); part++) {
                    parts.append(execve.get("a" + i + "[" + part + "]"));
                }
                whole = parts.toString();
            }
            args.add(whole);
        }
        return String.join(" ", args);
    }
}
