package dev.hostquery.linux.tables;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parser for utmp and wtmp records (utmp(5)): {@code struct utmp} of 384 bytes on Linux's 64-bit ABIs, with
 * 32-bit time fields, in native (little-endian) byte order.
 */
final class Utmp {
    static final int RECORD_SIZE = 384;
    static final String[] TYPE_NAMES = {"empty", "runlevel", "boot_time", "new_time", "old_time", "init",
        "login", "user", "dead", "accounting"};

    /** One record; {@code time} in seconds since the epoch. */
    record Entry(int type, long pid, String line, String user, String host, long time) {
        String typeName() {
            return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "unknown";
        }
    }

    private Utmp() {
    }

    static List<Entry> parse(byte[] data) {
        List<Entry> entries = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + RECORD_SIZE <= data.length; at += RECORD_SIZE) {
            int type = b.getShort(at);
            long pid = b.getInt(at + 4);
            String line = cString(data, at + 8, 32);
            String user = cString(data, at + 44, 32);
            String host = cString(data, at + 76, 256);
            long time = Integer.toUnsignedLong(b.getInt(at + 340));
            entries.add(new Entry(type, pid, line, user, host, time));
        }
        return entries;
    }

    private static String cString(byte[] data, int from, int max) {
        int end = from;
        while (end < from + max && data[end] != 0) {
            end++;
        }
        return new String(data, from, end - from, StandardCharsets.UTF_8);
    }
}
