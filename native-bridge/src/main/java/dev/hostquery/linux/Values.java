package dev.hostquery.linux;

/** Parsing helpers shared by the collectors: unreadable values become null, never 0 or "". */
public final class Values {
    private Values() {
    }

    /** A decimal long, or null when {@code s} is null or not a number. */
    public static Long parseLong(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A long in the given radix, or null. */
    public static Long parseLong(String s, int radix) {
        if (s == null) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(s.strip(), radix);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Splits on runs of white space, ignoring leading white space. */
    public static String[] fields(String line) {
        String t = line.strip();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }
}
