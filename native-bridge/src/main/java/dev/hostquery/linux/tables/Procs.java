package dev.hostquery.linux.tables;

import dev.hostquery.api.QueryContext;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Process enumeration from {@code /proc}: shared by the process tables. */
final class Procs {
    /** USER_HZ: the unit of times in /proc/<pid>/stat (sysconf(_SC_CLK_TCK), 100 on every Linux ABI). */
    static final long CLOCK_TICKS = 100;

    private Procs() {
    }

    /**
     * The pids to scan: the {@code pid} constraint's values when the query has one (those that exist),
     * else every numeric directory of {@code /proc}, in ascending order.
     */
    static List<Long> pids(HostRoot root, QueryContext context, String column) {
        Optional<Set<Long>> wanted = context.integerEquals(column);
        List<Long> pids = new ArrayList<>();
        if (wanted.isPresent()) {
            for (long pid : wanted.get()) {
                if (pid > 0 && java.nio.file.Files.isDirectory(root.resolve("/proc/" + pid))) {
                    pids.add(pid);
                }
            }
        } else {
            for (String name : root.list("/proc")) {
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    pids.add(Long.parseLong(name));
                }
            }
        }
        pids.sort(null);
        return pids;
    }

    /** Boot time in seconds since the epoch, from the {@code btime} line of /proc/stat; null when unreadable. */
    static Long bootTime(HostRoot root) {
        for (String line : root.lines("/proc/stat")) {
            if (line.startsWith("btime ")) {
                return Values.parseLong(line.substring(6));
            }
        }
        return null;
    }

    /** The inode in a namespace or socket link target such as {@code net:[4026531840]}, or null. */
    static String bracketed(String link) {
        if (link == null) {
            return null;
        }
        int open = link.indexOf('[');
        int close = link.lastIndexOf(']');
        return open >= 0 && close > open ? link.substring(open + 1, close) : null;
    }
}
