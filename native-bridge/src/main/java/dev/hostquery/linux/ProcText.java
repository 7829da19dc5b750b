package dev.hostquery.linux;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Parsing shared by everything that reads /proc/&lt;pid&gt;: NUL-separated lists and the lines of status. */
public final class ProcText {
    private ProcText() {
    }

    /** NUL-separated strings (cmdline, environ) joined by spaces, trailing NULs dropped; "" for none. */
    public static String joinNul(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        byte[] copy = Arrays.copyOf(bytes, end);
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == 0) {
                copy[i] = ' ';
            }
        }
        return new String(copy, StandardCharsets.UTF_8);
    }

    /** The values of the given "Key:" lines of /proc/&lt;pid&gt;/status, in the order of {@code keys}; null where absent. */
    public static String[] statusFields(String text, String... keys) {
        String[] values = new String[keys.length];
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf('\n', at);
            if (end < 0) {
                end = text.length();
            }
            for (int k = 0; k < keys.length; k++) {
                if (text.startsWith(keys[k], at)) {
                    values[k] = text.substring(at + keys[k].length(), end).strip();
                    break;
                }
            }
            at = end + 1;
        }
        return values;
    }

    /**
     * The first {@code count} ids of a status Uid: or Gid: line (real, effective, saved, file system); null when
     * the line is missing or malformed.
     */
    public static long[] ids(String line, int count) {
        if (line == null) {
            return null;
        }
        String[] f = line.strip().split("\\s+");
        if (f.length < count) {
            return null;
        }
        long[] ids = new long[count];
        try {
            for (int i = 0; i < count; i++) {
                ids[i] = Long.parseLong(f[i]);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return ids;
    }
}
