package dev.hostquery.query.sqlite;

import java.util.Comparator;

/**
 * The collations osquery adds to SQLite and that hostquery's table declarations use, so that
 * {@code WHERE version > '1.10'} compares versions rather than text:
 * <ul>
 * <li>{@code VERSION}: runs of digits compare as numbers, other characters as text ("1.9" &lt; "1.10");</li>
 * <li>{@code VERSION_DPKG}: Debian's order (deb-version(7)): epoch, then upstream version and revision compared
 * with dpkg's algorithm, where "~" sorts before anything, even the end of the string;</li>
 * <li>{@code VERSION_RHEL}: RPM's order (rpmvercmp, rpm 4.15 and later): epoch, version, release, each in
 * alternating numeric and alphabetic segments; "~" sorts before anything, "^" after the end but before any other
 * segment;</li>
 * <li>{@code VERSION_ARCH}: pacman's order (alpm_pkg_vercmp): epoch, version, then the release only when both
 * have one; a trailing alphabetic segment sorts before nothing ("1.0alpha" &lt; "1.0").</li>
 * </ul>
 * {@code version_compare(a, b[, 'ARCH' | 'DPKG' | 'RHEL'])} compares with the same orders ({@link SqlFunctions}).
 */
final class Collations {
    static final Comparator<String> VERSION = Collations::compareVersion;
    static final Comparator<String> VERSION_DPKG = Collations::compareDpkg;
    static final Comparator<String> VERSION_RHEL = (a, b) -> compareEvr(a, b, true);
    static final Comparator<String> VERSION_ARCH = (a, b) -> compareEvr(a, b, false);

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

    /**
     * epoch:version-release, as RPM ({@code rpm}) or pacman ({@code !rpm}) compare them. A missing epoch is 0; RPM
     * compares releases whenever either has one, pacman only when both have.
     */
    static int compareEvr(String a, String b, boolean rpm) {
        String[] x = splitEvr(a);
        String[] y = splitEvr(b);
        int c = rpmvercmp(x[0], y[0], rpm);
        if (c != 0) {
            return c;
        }
        c = rpmvercmp(x[1], y[1], rpm);
        if (c != 0) {
            return c;
        }
        if (x[2] == null || y[2] == null) {
            return rpm && (x[2] != null || y[2] != null) ? (x[2] == null ? -1 : 1) : 0;
        }
        return rpmvercmp(x[2], y[2], rpm);
    }

    /** {epoch, version, release or null}. */
    private static String[] splitEvr(String v) {
        String s = v.strip();
        String epoch = "0";
        int colon = s.indexOf(':');
        if (colon >= 0 && s.substring(0, colon).chars().allMatch(Character::isDigit)) {
            epoch = colon == 0 ? "0" : s.substring(0, colon);
            s = s.substring(colon + 1);
        }
        int dash = s.lastIndexOf('-');
        return dash < 0 ? new String[] {epoch, s, null} : new String[] {epoch, s.substring(0, dash), s.substring(dash + 1)};
    }

    private static boolean alnum(char c) {
        return c < 128 && Character.isLetterOrDigit(c);
    }

    /**
     * RPM's segment comparison: separators are skipped, digit runs compare as numbers and beat letter runs, letter runs
     * compare as text. With {@code rpm}, "~" sorts before anything and "^" after the end of the string but before
     * any segment, and a string with segments left wins; without (pacman), a trailing letter run loses to the end.
     */
    static int rpmvercmp(String a, String b, boolean rpm) {
        if (a.equals(b)) {
            return 0;
        }
        int i = 0;
        int j = 0;
        boolean isnum = false;
        while (i < a.length() || j < b.length()) {
            while (i < a.length() && !alnum(a.charAt(i)) && (!rpm || (a.charAt(i) != '~' && a.charAt(i) != '^'))) {
                i++;
            }
            while (j < b.length() && !alnum(b.charAt(j)) && (!rpm || (b.charAt(j) != '~' && b.charAt(j) != '^'))) {
                j++;
            }
            if (rpm) {
                boolean ta = i < a.length() && a.charAt(i) == '~';
                boolean tb = j < b.length() && b.charAt(j) == '~';
                if (ta || tb) {
                    if (!ta) {
                        return 1;
                    }
                    if (!tb) {
                        return -1;
                    }
                    i++;
                    j++;
                    continue;
                }
                boolean ca = i < a.length() && a.charAt(i) == '^';
                boolean cb = j < b.length() && b.charAt(j) == '^';
                if (ca || cb) {
                    if (i >= a.length()) {
                        return -1;
                    }
                    if (j >= b.length()) {
                        return 1;
                    }
                    if (!ca) {
                        return 1;
                    }
                    if (!cb) {
                        return -1;
                    }
                    i++;
                    j++;
                    continue;
                }
            }
            if (i >= a.length() || j >= b.length()) {
                break;
            }
            int si = i;
            int sj = j;
            isnum = Character.isDigit(a.charAt(i));
            if (isnum) {
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
            } else {
                while (i < a.length() && a.charAt(i) < 128 && Character.isLetter(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && b.charAt(j) < 128 && Character.isLetter(b.charAt(j))) {
                    j++;
                }
            }
            if (sj == j) {
                return isnum ? 1 : -1; // a number beats letters
            }
            int c = isnum ? compareDigits(a.substring(si, i), b.substring(sj, j))
                    : Integer.signum(a.substring(si, i).compareTo(b.substring(sj, j)));
            if (c != 0) {
                return c;
            }
        }
        boolean restA = i < a.length();
        boolean restB = j < b.length();
        if (!restA && !restB) {
            return 0;
        }
        if (rpm) {
            return restA ? 1 : -1;
        }
        // pacman: a remaining letter run never beats an empty string
        if ((!restA && !(b.charAt(j) < 128 && Character.isLetter(b.charAt(j)))) || (restA && a.charAt(i) < 128 && Character.isLetter(a.charAt(i)))) {
            return -1;
        }
        return 1;
    }
}
