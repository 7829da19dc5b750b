package dev.hostquery.linux.audit;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/** Parsing of audit record text: {@code audit(1700000000.123:4567): key=value key="quoted" …}. */
public final class AuditRecords {
    private AuditRecords() {
    }

    /** The header of a record: time in microseconds since the epoch, and the event serial. */
    public record Header(long timeMicros, long serial) {
    }

    /** The header of {@code audit(seconds.millis:serial):}, or null. */
    public static Header header(String text) {
        int open = text.indexOf("audit(");
        int colon = text.indexOf(':', open);
        int close = text.indexOf(')', colon);
        if (open < 0 || colon < 0 || close < 0) {
            return null;
        }
        try {
            String[] time = text.substring(open + 6, colon).split("\\.");
            long micros = Long.parseLong(time[0]) * 1_000_000 + (time.length > 1 ? Long.parseLong(time[1]) * 1000 : 0);
            return new Header(micros, Long.parseLong(text.substring(colon + 1, close)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The fields after the header. Quoted values lose their quotes; an unquoted value of an argument field
     * ({@code a0}…, {@code cwd}, {@code name}, {@code exe}, {@code comm}, {@code proctitle}) is hex-encoded by
     * the kernel when it holds special characters, and is decoded.
     */
    public static Map<String, String> fields(String text) {
        Map<String, String> fields = new HashMap<>();
        int at = text.indexOf("): ");
        at = at < 0 ? 0 : at + 3;
        while (at < text.length()) {
            while (at < text.length() && text.charAt(at) == ' ') {
                at++;
            }
            int eq = text.indexOf('=', at);
            if (eq < 0) {
                break;
            }
            String key = text.substring(at, eq);
            int end;
            String value;
            if (eq + 1 < text.length() && text.charAt(eq + 1) == '"') {
                end = text.indexOf('"', eq + 2);
                end = end < 0 ? text.length() : end;
                value = text.substring(eq + 2, end);
                end++;
            } else {
                end = text.indexOf(' ', eq + 1);
                end = end < 0 ? text.length() : end;
                value = text.substring(eq + 1, end);
                if (isEncodable(key) && !value.equals("(null)") && value.length() % 2 == 0 && value.matches("[0-9A-F]+")) {
                    value = new String(HexFormat.of().parseHex(value), StandardCharsets.UTF_8);
                }
            }
            fields.put(key, value);
            at = end;
        }
        return fields;
    }

    private static boolean isEncodable(String key) {
        return key.matches("a\\d+(\\[\\d+\\])?") || key.equals("cwd") || key.equals("name") || key.equals("exe")
                || key.equals("comm") || key.equals("proctitle");
    }
}
