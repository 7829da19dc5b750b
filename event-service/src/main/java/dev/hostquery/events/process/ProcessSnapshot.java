package dev.hostquery.events.process;

import dev.hostquery.linux.FileAttributes;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.ProcText;
import dev.hostquery.linux.Values;
import java.nio.charset.StandardCharsets;

/**
 * What /proc/&lt;pid&gt; tells about a process just after it exec'd: exe, cmdline, cwd, environ, the ids of
 * status, loginuid, and the executable's metadata. Fields that could not be read are null.
 */
public record ProcessSnapshot(String path, String cmdline, Long cmdlineSize, String env, Long envCount, Long envSize,
        String cwd, Long auid, Long parent, long[] uids, long[] gids, FileAttributes exe) {

    /** Reads /proc/&lt;pid&gt; under {@code root}; null when the process is gone (no status file). */
    public static ProcessSnapshot read(HostRoot root, long pid) {
        String base = "/proc/" + pid;
        String status = root.read(base + "/status").orElse(null);
        if (status == null) {
            return null;
        }
        String[] fields = ProcText.statusFields(status, "PPid:", "Uid:", "Gid:");
        String path = root.readLink(base + "/exe").orElse(null);
        if (path != null && path.endsWith(" (deleted)")) {
            path = path.substring(0, path.length() - 10);
        }
        byte[] cmdline = root.readBytes(base + "/cmdline").orElse(null);
        byte[] environ = root.readBytes(base + "/environ").orElse(null);
        String env = null;
        Long envCount = null;
        if (environ != null) {
            String joined = ProcText.joinNul(environ);
            env = joined;
            envCount = joined.isEmpty() ? 0L : (long) new String(environ, StandardCharsets.UTF_8).split("\0").length;
        }
        FileAttributes exe = path == null ? null : FileAttributes.stat(root.resolve(base + "/exe")).orElse(null);
        return new ProcessSnapshot(path, cmdline == null ? null : ProcText.joinNul(cmdline), cmdline == null ? null : (long) cmdline.length,
                env, envCount, environ == null ? null : (long) environ.length, root.readLink(base + "/cwd").orElse(null),
                Values.parseLong(root.value(base + "/loginuid").orElse(null)), Values.parseLong(fields[0]), ProcText.ids(fields[1], 4),
                ProcText.ids(fields[2], 4), exe);
    }
}
