package dev.hostquery.events.process;

import dev.hostquery.linux.HostRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * What /proc/&lt;pid&gt; tells about a process just after it exec'd: exe, cmdline, cwd, environ, the ids of
 * status, loginuid, and the executable's metadata. Fields that could not be read are null.
 */
public record ProcessSnapshot(String path, String cmdline, Long cmdlineSize, String env, Long envCount, Long envSize,
        String cwd, Long auid, Long parent, long[] uids, long[] gids, Map<String, Object> exe) {

    /** Reads /proc/&lt;pid&gt; under {@code root}; null when the process is gone (no status file). */
    public static ProcessSnapshot read(HostRoot root, long pid) {
        String base = "/proc/" + pid;
        String status = root.read(base + "/status").orElse(null);
        if (status == null) {
            return null;
        }
        String path = root.readLink(base + "/exe").orElse(null);
        if (path != null && path.endsWith(" (deleted)")) {
            path = path.substring(0, path.length() - 10);
        }
        byte[] cmdline = root.readBytes(base + "/cmdline").orElse(null);
        byte[] environ = root.readBytes(base + "/environ").orElse(null);
        String env = null;
        Long envCount = null;
        if (environ != null) {
            String joined = joinNul(environ);
            env = joined;
            envCount = joined.isEmpty() ? 0L : (long) new String(environ, StandardCharsets.UTF_8).split("\0").length;
        }
        Map<String, Object> exe = null;
        if (path != null) {
            try {
                exe = Files.readAttributes(root.resolve(base + "/exe"), "unix:mode,uid,gid,lastAccessTime,lastModifiedTime,ctime,creationTime");
            } catch (java.io.IOException | UnsupportedOperationException e) {
                exe = null;
            }
        }
        return new ProcessSnapshot(path, cmdline == null ? null : joinNul(cmdline), cmdline == null ? null : (long) cmdline.length,
                env, envCount, environ == null ? null : (long) environ.length, root.readLink(base + "/cwd").orElse(null),
                parseLong(root.value(base + "/loginuid").orElse(null)), parseLong(field(status, "PPid:")),
                ids(field(status, "Uid:")), ids(field(status, "Gid:")), exe);
    }

    /** NUL-separated strings joined by spaces, trailing NULs dropped. */
    static String joinNul(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        byte[] copy = java.util.Arrays.copyOf(bytes, end);
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == 0) {
                copy[i] = ' ';
            }
        }
        return new String(copy, StandardCharsets.UTF_8);
    }

    static String field(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                return line.substring(key.length()).strip();
            }
        }
        return null;
    }

    /** The four ids of a Uid: or Gid: line (real, effective, saved, file system); null when malformed. */
    static long[] ids(String line) {
        if (line == null) {
            return null;
        }
        String[] f = line.strip().split("\\s+");
        if (f.length < 4) {
            return null;
        }
        long[] ids = new long[4];
        for (int i = 0; i < 4; i++) {
            Long v = parseLong(f[i]);
            if (v == null) {
                return null;
            }
            ids[i] = v;
        }
        return ids;
    }

    static Long parseLong(String s) {
        try {
            return s == null ? null : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Seconds of an attribute that is a FileTime, else null. */
    static Long seconds(Object time) {
        return time instanceof FileTime t ? t.toMillis() / 1000 : null;
    }
}
