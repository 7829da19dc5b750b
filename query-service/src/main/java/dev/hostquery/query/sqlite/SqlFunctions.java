package dev.hostquery.query.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * osquery's SQL additions (its "SQL additions" documentation), with osquery's names and semantics, registered on
 * every connection ({@code sqlite3_create_function_v2}) and allowed by the authorizer:
 * <ul>
 * <li>strings: {@code concat}, {@code concat_ws} (NULLs skipped), {@code split(s, tokens, i)} (any character of
 * {@code tokens} splits; empty pieces are dropped, the rest trimmed), {@code regex_split(s, pattern, i)},
 * {@code regex_match(s, pattern, i)} (group {@code i} of the first match; 0 is the whole match);</li>
 * <li>{@code version_compare(a, b[, 'ARCH' | 'DPKG' | 'RHEL'])}: -1, 0 or 1, in the orders of {@link Collations};</li>
 * <li>network: {@code inet_aton}, {@code in_cidr_block(cidr, ip)} (IPv4 and IPv6), {@code community_id_v1} and
 * {@code community_id_v1_strict} (the Community ID v1 flow hash; corelight's community-id-spec);</li>
 * <li>encoding and hashing of text: {@code to_base64}, {@code from_base64} (invalid input gives ''),
 * {@code conditional_to_base64} (only text with non-ASCII characters is encoded), {@code md5}, {@code sha1},
 * {@code sha256} (lower-case hex of the UTF-8 bytes);</li>
 * <li>math: SQLite's own math functions, and {@code cot}; {@code log(x)} is the natural logarithm, as in osquery
 * (SQLite's one-argument {@code log} is base 10).</li>
 * </ul>
 * A function out of range gives NULL (an index past the pieces, no match); input it cannot take at all (a bad
 * pattern, a CIDR block that is not one) fails the query with an error naming the function and the value. Patterns
 * are RE2 (RE2J), which matches in linear time, so no pattern can hang a query.
 */
final class SqlFunctions {
    /** Largest regular expression a query may use, characters. */
    static final int MAX_PATTERN = 4_096;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemorySegment CALL;

    /** A function's body: arguments are Long, Double, String, byte[] or null; so is the result. */
    @FunctionalInterface
    interface Body {
        Object apply(Object[] args);
    }

    /** Input a function cannot take: the query fails with this message. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param args the number of arguments, -1 for any
     */
    record Function(String name, int args, Body body) {
    }

    static final List<Function> ALL = List.of(
            new Function("concat", -1, a -> concat("", a, 0)),
            new Function("concat_ws", -1, a -> a.length == 0 || a[0] == null ? null : concat(text(a[0]), a, 1)),
            new Function("split", 3, a -> pick(split(text(a[0]), text(a[1])), a[2])),
            new Function("regex_split", 3, a -> pick(regexSplit(text(a[0]), pattern("regex_split", a[1])), a[2])),
            new Function("regex_match", 3, a -> regexMatch(text(a[0]), pattern("regex_match", a[1]), a[2])),
            new Function("version_compare", 2, a -> versionCompare(a[0], a[1], null)),
            new Function("version_compare", 3, a -> versionCompare(a[0], a[1], a[2])),
            new Function("inet_aton", 1, a -> inetAton(text(a[0]))),
            new Function("in_cidr_block", 2, a -> inCidrBlock(text(a[0]), text(a[1]))),
            new Function("community_id_v1", 5, a -> communityIdLenient(a, 0)),
            new Function("community_id_v1", 6, a -> communityIdLenient(a, a[5])),
            new Function("community_id_v1_strict", 5, a -> communityId(a, 0)),
            new Function("community_id_v1_strict", 6, a -> communityId(a, a[5])),
            new Function("to_base64", 1, a -> a[0] == null ? null : Base64.getEncoder().encodeToString(bytes(a[0]))),
            new Function("from_base64", 1, a -> a[0] == null ? null : fromBase64(text(a[0]))),
            new Function("conditional_to_base64", 1, a -> a[0] == null ? null : conditionalBase64(text(a[0]))),
            new Function("md5", 1, a -> a[0] == null ? null : digest("MD5", bytes(a[0]))),
            new Function("sha1", 1, a -> a[0] == null ? null : digest("SHA-1", bytes(a[0]))),
            new Function("sha256", 1, a -> a[0] == null ? null : digest("SHA-256", bytes(a[0]))),
            new Function("cot", 1, a -> a[0] == null ? null : 1.0 / Math.tan(number(a[0]))),
            new Function("log", 1, a -> a[0] == null ? null : Math.log(number(a[0]))));

    static {
        try {
            MethodType type = MethodType.methodType(void.class, MemorySegment.class, int.class, MemorySegment.class);
            CALL = LINKER.upcallStub(MethodHandles.lookup().findStatic(SqlFunctions.class, "call", type),
                    FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private SqlFunctions() {
    }

    /** Registers every function on a connection; the name of the one that failed, or null. */
    static String register(MemorySegment db) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < ALL.size(); i++) {
                Function f = ALL.get(i);
                int rc = (int) Sqlite.create_function_v2.invokeExact(db, arena.allocateFrom(f.name()), f.args(),
                        Sqlite.SQLITE_UTF8 | Sqlite.SQLITE_DETERMINISTIC, MemorySegment.ofAddress(i), CALL,
                        MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL);
                if (rc != Sqlite.SQLITE_OK) {
                    return f.name();
                }
            }
        }
        return null;
    }

    /** The xFunc callback of every function: the function's index is its user data. */
    private static void call(MemorySegment context, int argc, MemorySegment argv) {
        try {
            Function f = ALL.get((int) ((MemorySegment) Sqlite.user_data.invokeExact(context)).address());
            MemorySegment values = argv.reinterpret(ADDRESS.byteSize() * Math.max(0, argc));
            Object[] args = new Object[argc];
            for (int i = 0; i < argc; i++) {
                args[i] = VirtualTables.value(values.getAtIndex(ADDRESS, i));
            }
            Object result;
            try {
                result = f.body().apply(args);
            } catch (Refused e) {
                error(context, f.name() + ": " + e.getMessage());
                return;
            }
            result(context, result);
        } catch (Throwable t) {
            try {
                error(context, "internal error: " + t);
            } catch (Throwable ignored) {
                // nothing more to tell SQLite
            }
        }
    }

    private static void result(MemorySegment context, Object result) throws Throwable {
        switch (result) {
            case null -> Sqlite.result_null.invokeExact(context);
            case Long l -> Sqlite.result_int64.invokeExact(context, (long) l);
            case Integer n -> Sqlite.result_int64.invokeExact(context, (long) n);
            case Double d when d.isNaN() -> Sqlite.result_null.invokeExact(context);
            case Double d -> Sqlite.result_double.invokeExact(context, (double) d);
            case String s -> {
                byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                try (Arena arena = Arena.ofConfined()) {
                    Sqlite.result_text.invokeExact(context, SqliteConnection.copy(arena, bytes), bytes.length, Sqlite.TRANSIENT);
                }
            }
            case byte[] b -> {
                try (Arena arena = Arena.ofConfined()) {
                    Sqlite.result_blob.invokeExact(context, SqliteConnection.copy(arena, b), b.length, Sqlite.TRANSIENT);
                }
            }
            default -> throw new IllegalStateException("a function returned a " + result.getClass().getSimpleName());
        }
    }

    private static void error(MemorySegment context, String message) throws Throwable {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            Sqlite.result_error.invokeExact(context, SqliteConnection.copy(arena, bytes), bytes.length);
        }
    }

    // ---- the functions ---------------------------------------------------------------------------------

    /** A value as SQLite's text of it: numbers as SQLite prints them, blobs as UTF-8; null stays null. */
    static String text(Object v) {
        return switch (v) {
            case null -> null;
            case String s -> s;
            case byte[] b -> new String(b, StandardCharsets.UTF_8);
            case Double d when d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15 -> String.format(Locale.ROOT, "%.1f", d);
            default -> v.toString();
        };
    }

    private static byte[] bytes(Object v) {
        return v instanceof byte[] b ? b : text(v).getBytes(StandardCharsets.UTF_8);
    }

    private static double number(Object v) {
        return switch (v) {
            case Long l -> l;
            case Double d -> d;
            default -> {
                try {
                    yield Double.parseDouble(text(v).strip());
                } catch (NumberFormatException e) {
                    yield 0; // SQLite's own math functions read text that is not a number as 0
                }
            }
        };
    }

    private static String concat(String separator, Object[] args, int from) {
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (int i = from; i < args.length; i++) {
            if (args[i] == null) {
                continue;
            }
            if (!first) {
                sb.append(separator);
            }
            sb.append(text(args[i]));
            first = false;
        }
        return sb.toString();
    }

    /** The piece at an index (an integer, counted from 0), or null past the end or for a NULL argument. */
    private static Object pick(List<String> pieces, Object index) {
        if (pieces == null || index == null) {
            return null;
        }
        long i;
        try {
            i = index instanceof Long l ? l : (long) number(index);
        } catch (RuntimeException e) {
            return null;
        }
        return i < 0 || i >= pieces.size() ? null : pieces.get((int) i);
    }

    /** osquery's split: any character of tokens splits; empty pieces are dropped and the others trimmed. */
    static List<String> split(String s, String tokens) {
        if (s == null || tokens == null) {
            return null;
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || (!tokens.isEmpty() && tokens.indexOf(s.charAt(i)) >= 0)) {
                String piece = s.substring(start, i);
                if (!piece.isEmpty()) {
                    pieces.add(piece.strip());
                }
                start = i + 1;
            }
        }
        return pieces;
    }

    private static List<String> regexSplit(String s, Pattern pattern) {
        if (s == null || pattern == null) {
            return null;
        }
        List<String> pieces = new ArrayList<>();
        for (String piece : pattern.split(s, -1)) {
            if (!piece.isEmpty()) {
                pieces.add(piece);
            }
        }
        return pieces;
    }

    private static Object regexMatch(String s, Pattern pattern, Object index) {
        if (s == null || pattern == null || index == null) {
            return null;
        }
        Matcher m = pattern.matcher(s);
        if (!m.find()) {
            return null;
        }
        long i = index instanceof Long l ? l : (long) number(index);
        return i < 0 || i > m.groupCount() ? null : m.group((int) i);
    }

    /** Compiled patterns, most recently used kept: a query applies the same pattern to every row. */
    private static final Map<String, Pattern> PATTERNS = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Pattern> eldest) {
                    return size() > 256;
                }
            });

    private static Pattern pattern(String function, Object v) {
        String text = text(v);
        if (text == null) {
            return null;
        }
        if (text.length() > MAX_PATTERN) {
            throw new Refused("the pattern is longer than " + MAX_PATTERN + " characters");
        }
        Pattern cached = PATTERNS.get(text);
        if (cached != null) {
            return cached;
        }
        try {
            Pattern p = Pattern.compile(text);
            PATTERNS.put(text, p);
            return p;
        } catch (PatternSyntaxException e) {
            throw new Refused("'" + abbreviate(text) + "' is not a regular expression RE2 accepts: " + e.getDescription());
        }
    }

    private static Object versionCompare(Object a, Object b, Object flavour) {
        if (a == null || b == null) {
            return null;
        }
        java.util.Comparator<String> order = flavour == null ? Collations.VERSION : switch (text(flavour).toUpperCase(Locale.ROOT)) {
            case "ARCH" -> Collations.VERSION_ARCH;
            case "DPKG" -> Collations.VERSION_DPKG;
            case "RHEL" -> Collations.VERSION_RHEL;
            default -> throw new Refused("the flavour must be ARCH, DPKG or RHEL, got '" + abbreviate(text(flavour)) + "'");
        };
        return (long) Integer.signum(order.compare(text(a), text(b)));
    }

    /** The address of an IP literal (never a host name: no lookup), or null. */
    private static InetAddress address(String s) {
        if (s == null) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(s.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Object inetAton(String s) {
        InetAddress a = address(s);
        if (!(a instanceof java.net.Inet4Address)) {
            return null;
        }
        return Integer.toUnsignedLong(ByteBuffer.wrap(a.getAddress()).getInt());
    }

    private static Object inCidrBlock(String cidr, String ip) {
        if (cidr == null || ip == null) {
            return null;
        }
        int slash = cidr.indexOf('/');
        InetAddress network = address(slash < 0 ? cidr : cidr.substring(0, slash));
        if (network == null) {
            throw new Refused("'" + abbreviate(cidr) + "' is not a CIDR block (an address and /prefix)");
        }
        int bits = network.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(cidr.substring(slash + 1).strip());
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new Refused("'" + abbreviate(cidr) + "' has a prefix length outside 0 to " + bits);
            }
        }
        InetAddress address = address(ip);
        if (address == null) {
            throw new Refused("'" + abbreviate(ip) + "' is not an IP address");
        }
        byte[] n = network.getAddress();
        byte[] x = address.getAddress();
        if (n.length != x.length) {
            return 0L; // an IPv4 address is in no IPv6 block, and the other way round
        }
        for (int i = 0; i < prefix; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((n[i / 8] & mask) != (x[i / 8] & mask)) {
                return 0L;
            }
        }
        return 1L;
    }

    /** community_id_v1: "" when an argument cannot be used, as osquery does (the strict one fails the query). */
    private static Object communityIdLenient(Object[] a, Object seed) {
        try {
            return communityId(a, seed);
        } catch (Refused e) {
            return "";
        }
    }

    /**
     * Community ID v1: SHA-1 over the seed (2 bytes), the lower endpoint's address and the other's, the protocol, a
     * zero byte, and the two ports (2 bytes each, network order), base64, after "1:". The lower endpoint is the one
     * with the smaller address, or with the smaller port when the addresses are equal.
     */
    static String communityId(Object[] a, Object seed) {
        InetAddress src = address(text(a[0]));
        InetAddress dst = address(text(a[1]));
        if (src == null || dst == null) {
            throw new Refused("the source and destination must be IP addresses");
        }
        if (src.getAddress().length != dst.getAddress().length) {
            throw new Refused("the source and destination must both be IPv4 or both IPv6");
        }
        long sport = integer(a[2], "the source port", 0, 65535);
        long dport = integer(a[3], "the destination port", 0, 65535);
        long proto = integer(a[4], "the protocol", 0, 255);
        long s = integer(seed, "the seed", 0, 65535);
        byte[] sa = src.getAddress();
        byte[] da = dst.getAddress();
        int c = java.util.Arrays.compareUnsigned(sa, da);
        if (c > 0 || (c == 0 && sport > dport)) {
            byte[] t = sa;
            sa = da;
            da = t;
            long p = sport;
            sport = dport;
            dport = p;
        }
        ByteBuffer buffer = ByteBuffer.allocate(2 + sa.length + da.length + 2 + 4);
        buffer.putShort((short) s).put(sa).put(da).put((byte) proto).put((byte) 0).putShort((short) sport).putShort((short) dport);
        try {
            return "1:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(buffer.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    private static long integer(Object v, String what, long min, long max) {
        long n;
        if (v instanceof Long l) {
            n = l;
        } else {
            try {
                n = Long.parseLong(text(v) == null ? "" : text(v).strip());
            } catch (NumberFormatException e) {
                throw new Refused(what + " must be an integer, got '" + abbreviate(String.valueOf(text(v))) + "'");
            }
        }
        if (n < min || n > max) {
            throw new Refused(what + " must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    private static String fromBase64(String s) {
        try {
            return new String(Base64.getDecoder().decode(s.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String conditionalBase64(String s) {
        return s.chars().allMatch(c -> c < 128) ? s : Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String digest(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + algorithm, e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
