package dev.hostquery.events.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.TableSpec;

/** Declarations of the evented tables, with osquery's columns. */
public final class EventTableSpecs {
    /** {@code file_events}, fed by the inotify publisher. */
    public static final TableSpec FILE_EVENTS = TableSpec.builder("file_events")
            .description("Changes to watched files and directories, captured continuously from inotify(7) and kept in the event store (hostquery.events.file.paths says what is watched).")
            .evented()
            .column("target_path", ColumnType.TEXT, "Path of the file or directory that changed")
            .column("category", ColumnType.TEXT, "Category of the watched path in the configuration")
            .column("action", ColumnType.TEXT, "CREATED, UPDATED, DELETED, MOVED_FROM, MOVED_TO or ATTRIBUTES_MODIFIED")
            .column("transaction_id", ColumnType.BIGINT, "inotify cookie pairing MOVED_FROM with MOVED_TO; 0 otherwise")
            .column("inode", ColumnType.BIGINT, "Inode, from lstat(2) when the event was read; NULL when the file was gone")
            .column("uid", ColumnType.BIGINT, "Owner user ID at event time")
            .column("gid", ColumnType.BIGINT, "Owner group ID at event time")
            .column("mode", ColumnType.TEXT, "Permission bits in octal at event time")
            .column("size", ColumnType.BIGINT, "Size in bytes at event time")
            .column("atime", ColumnType.BIGINT, "Last access, seconds since the epoch")
            .column("mtime", ColumnType.BIGINT, "Last modification, seconds since the epoch")
            .column("ctime", ColumnType.BIGINT, "Last status change, seconds since the epoch")
            .column("md5", ColumnType.TEXT, "NOCASE", "MD5 of the content after the change, when hashing is on for the category")
            .column("sha1", ColumnType.TEXT, "NOCASE", "SHA-1, when hashing is on")
            .column("sha256", ColumnType.TEXT, "NOCASE", "SHA-256, when hashing is on")
            .column("hashed", ColumnType.INTEGER, "1 when hashed, 0 when not, -1 when hashing failed")
            .column("time", ColumnType.BIGINT, "When the event was stored, seconds since the epoch", ColumnFlag.ADDITIONAL)
            .column("eid", ColumnType.TEXT, "Event id: zero-padded, increasing, unique in this table", ColumnFlag.HIDDEN)
            .example("SELECT target_path, action, time FROM file_events WHERE time > strftime('%s', 'now') - 60")
            .example("SELECT * FROM file_events WHERE category = 'etc' AND action = 'UPDATED'")
            .build();

    /** {@code process_events}, fed by the process-connector publisher. */
    public static final TableSpec PROCESS_EVENTS = TableSpec.builder("process_events")
            .description("Programs started on the host (exec), captured continuously from the netlink process connector and enriched from /proc/<pid> when the event is read; kept in the event store.")
            .evented()
            .column("pid", ColumnType.BIGINT, "Process ID")
            .column("path", ColumnType.TEXT, "Executable path (/proc/<pid>/exe); NULL when the process was gone before it could be read")
            .column("mode", ColumnType.TEXT, "Permission bits of the executable, octal")
            .column("cmdline", ColumnType.TEXT, "Arguments joined by spaces")
            .column("cmdline_size", ColumnType.BIGINT, "Length of the command line, bytes", ColumnFlag.HIDDEN)
            .column("env", ColumnType.TEXT, "Environment, space-separated KEY=value pairs", ColumnFlag.HIDDEN)
            .column("env_count", ColumnType.BIGINT, "Number of environment variables", ColumnFlag.HIDDEN)
            .column("env_size", ColumnType.BIGINT, "Size of the environment, bytes", ColumnFlag.HIDDEN)
            .column("cwd", ColumnType.TEXT, "Working directory")
            .column("auid", ColumnType.BIGINT, "Audit (login) user ID, from /proc/<pid>/loginuid")
            .column("uid", ColumnType.BIGINT, "User ID")
            .column("euid", ColumnType.BIGINT, "Effective user ID")
            .column("gid", ColumnType.BIGINT, "Group ID")
            .column("egid", ColumnType.BIGINT, "Effective group ID")
            .column("owner_uid", ColumnType.BIGINT, "Owner of the executable")
            .column("owner_gid", ColumnType.BIGINT, "Group of the executable")
            .column("atime", ColumnType.BIGINT, "Executable last access, seconds")
            .column("mtime", ColumnType.BIGINT, "Executable last modification, seconds")
            .column("ctime", ColumnType.BIGINT, "Executable last status change, seconds")
            .column("btime", ColumnType.BIGINT, "Executable birth time where recorded, else NULL")
            .column("overflows", ColumnType.TEXT, "Not used: NULL", ColumnFlag.HIDDEN)
            .column("parent", ColumnType.BIGINT, "Parent process ID")
            .column("time", ColumnType.BIGINT, "When the event was stored, seconds since the epoch", ColumnFlag.ADDITIONAL)
            .column("uptime", ColumnType.BIGINT, "Seconds since boot at the event")
            .column("eid", ColumnType.TEXT, "Event id: zero-padded, increasing, unique in this table", ColumnFlag.HIDDEN)
            .column("fsuid", ColumnType.BIGINT, "File system user ID")
            .column("suid", ColumnType.BIGINT, "Saved user ID")
            .column("fsgid", ColumnType.BIGINT, "File system group ID")
            .column("sgid", ColumnType.BIGINT, "Saved group ID")
            .column("syscall", ColumnType.TEXT, "exec; exec_gone when the process exited before /proc/<pid> could be read (then only pid, time and uptime are known)")
            .example("SELECT pid, path, cmdline FROM process_events WHERE time > strftime('%s', 'now') - 300")
            .example("SELECT path, count(*) FROM process_events GROUP BY path ORDER BY 2 DESC LIMIT 10")
            .build();

    /** {@code socket_events}, fed by the audit publisher. */
    public static final TableSpec SOCKET_EVENTS = TableSpec.builder("socket_events")
            .description("Socket calls (connect, bind, accept) captured from Linux audit when hostquery.events.socket.backend=audit; a connect after a bind on the same descriptor carries the bound local address and port.")
            .evented()
            .column("action", ColumnType.TEXT, "connect, bind or accept")
            .column("pid", ColumnType.BIGINT, "Process ID")
            .column("path", ColumnType.TEXT, "Executable of the process")
            .column("fd", ColumnType.TEXT, "File descriptor of the socket (first syscall argument)")
            .column("auid", ColumnType.BIGINT, "Audit (login) user ID")
            .column("family", ColumnType.INTEGER, "Address family (2 IPv4, 10 IPv6, 1 Unix)")
            .column("protocol", ColumnType.INTEGER, "Not known from the syscall: NULL", ColumnFlag.HIDDEN)
            .column("local_address", ColumnType.TEXT, "Local address: the address of bind, or the one bound earlier on the same descriptor")
            .column("remote_address", ColumnType.TEXT, "Remote address of connect or accept")
            .column("local_port", ColumnType.INTEGER, "Local port")
            .column("remote_port", ColumnType.INTEGER, "Remote port")
            .column("socket", ColumnType.TEXT, "Not known from the syscall: NULL", ColumnFlag.HIDDEN)
            .column("time", ColumnType.BIGINT, "When the event was stored, seconds since the epoch", ColumnFlag.ADDITIONAL)
            .column("uptime", ColumnType.BIGINT, "Not known from audit: NULL")
            .column("eid", ColumnType.TEXT, "Event id: zero-padded, increasing, unique in this table", ColumnFlag.HIDDEN)
            .column("success", ColumnType.INTEGER, "1 when the call succeeded", ColumnFlag.HIDDEN)
            .column("status", ColumnType.TEXT, "succeeded, failed, in_progress (non-blocking connect) or no_client (non-blocking accept with nothing pending)")
            .example("SELECT pid, path, remote_address, remote_port FROM socket_events WHERE action = 'connect'")
            .build();

    private EventTableSpecs() {
    }
}
