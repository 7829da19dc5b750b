package dev.hostquery.query.sqlite;

import java.util.Comparator;

/**
 * The collations osquery adds to SQLite and that hostquery's table declarations use, so that
 * {@code WHERE version > '1.10'} compares versions rather than text:
 * <ul>
 * <li>{@code VERSION}: runs of digits compare as numbers, other characters as text ("1.9" &lt; "1.10");</li>
 * <li>{@code VERSION_DPKG}: Debian's order (deb-version(7)): epoch, then upstream version and revision compared
 * with dpkg's algorithm, where "~" sorts before anything, even the end of the string.</li>
 * </ul>
 */
final class Collations {
    static final Comparator<String> VERSION = Collations::compareVersion;
    static final Comparator<String> VERSION_DPKG = Collations::compareDpkg;

    private Collations() {
    }

    static int compareVersion(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int ei = i;
                while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
                    ei++;
                }
                int ej = j;
                while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
                    ej++;
                }
                int c = compareDigits(a.substring(i, ei), b.substring(j, ej));
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                if (x != y) {
                    return x < y ? -1 : 1;
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static int compareDigits(String a, String b) {
        String x = a.replaceFirst("^0+(?=.)", "");
        String y = b.replaceFirst("^0+(?=.)", "");
        return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : Integer.signum(x.compareTo(y));
    }

    static int compareDpkg(String a, String b) {
        String[] x = splitDpkg(a);
        String[] y = splitDpkg(b);
        int c = compareDigits(x[0], y[0]);
        if (c != 0) {
            return c;
        }
        c = dpkgPart(x[1], y[1]);
        return c != 0 ? c : dpkgPart(x[2], y[2]);
    }

    /** {epoch, upstream, revision}: "1:2.3-4" is {1, 2.3, 4}; a missing epoch is 0, a missing revision "". */
    private static String[] splitDpkg(String v) {
        String s = v.strip();
        String epoch = "0";
        int colon = s.indexOf(':');
        if (colon > 0 && s.substring(0, colon).chars().allMatch(Character::isDigit)) {
            epoch = s.substring(0, colon);
            s = s.substring(colon + 1);
        }
        int dash = s.lastIndexOf('-');
        return dash < 0 ? new String[] {epoch, s, ""} : new String[] {epoch, s.substring(0, dash), s.substring(dash + 1)};
    }

    /** dpkg's verrevcmp: alternate non-digit runs (letters before other characters, ~ first) and numbers. */
    private static int dpkgPart(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            int firstDiff = 0;
            while ((i < a.length() && !Character.isDigit(a.charAt(i))) || (j < b.length() && !Character.isDigit(b.charAt(j)))) {
                int ac = order(a, i);
                int bc = order(b, j);
                if (ac != bc) {
                    return Integer.signum(ac - bc);
                }
                i++;
                j++;
            }
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            while (i < a.length() && Character.isDigit(a.charAt(i)) && j < b.length() && Character.isDigit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = a.charAt(i) - b.charAt(j);
                }
                i++;
                j++;
            }
            if (i < a.length() && Character.isDigit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && Character.isDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return Integer.signum(firstDiff);
            }
        }
        return 0;
    }

    private static int order(String s, int i) {
        if (i >= s.length()) {
            return 0;
        }
        char c = s.charAt(i);
        if (Character.isDigit(c)) {
            return 0;
        }
        if (Character.isLetter(c)) {
            return c;
        }
        if (c == '~') {
            return -1;
        }
        return c + 256;
    }
}
