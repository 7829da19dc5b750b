package dev.hostquery.linux.tables;

import com.google.re2j.Pattern;
import dev.hostquery.api.InvalidConstraintException;
import dev.hostquery.api.QueryContext;
import dev.hostquery.linux.HostRoot;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The paths the {@code file} and {@code hash} tables look at, from their {@code path} and {@code directory}
 * constraints, with osquery's LIKE semantics on paths: {@code %} matches within one path component and a
 * component of {@code %%} matches any depth ({@code /etc/%%} is everything under /etc).
 *
 * <p>Expansion reads the host through {@link HostRoot}, inside its root. As osquery does, entries that cannot be
 * read (a directory's permissions, a process that exited meanwhile) are skipped; a {@code %%} walk never follows
 * a symbolic link below where it starts; and an expansion that would pass {@link #MAX_EXPANSION} paths fails
 * with an {@link InvalidConstraintException} naming the pattern, never with a shorter list that looks whole.
 * Every loop checks {@link QueryContext#checkCancelled()}, so an expansion ends with its query.
 */
final class FilePatterns {
    /** Most paths one pattern (or one directory's listing) may expand to; past it the pattern is refused as too broad. */
    static final int MAX_EXPANSION = 200_000;

    private FilePatterns() {
    }

    /**
     * Host paths (absolute, as the query wrote them) to stat: the path constraints' values and expansions,
     * and the entries of the directory constraints' directories; each one the query's principal may read
     * ({@link #checkAccess}).
     *
     * @throws InvalidConstraintException for a relative path, a path with a NUL character, or a pattern or
     *     directory that expands past {@link #MAX_EXPANSION} paths
     * @throws dev.hostquery.api.QueryCancelledException once the query has ended
     * @throws dev.hostquery.api.PermissionDeniedException for the first path, directory or pattern the principal may
     *     not read
     */
    static Set<String> paths(HostRoot root, QueryContext context) {
        return paths(root, context, MAX_EXPANSION);
    }

    /** As {@link #paths(HostRoot, QueryContext)} with another limit (tests). */
    static Set<String> paths(HostRoot root, QueryContext context, int limit) {
        Set<String> paths = new LinkedHashSet<>();
        // a principal held to some paths may see no name outside them: a pattern's fixed part and a directory are
        // checked before anything is listed, and every directory a pattern descends into as it is listed
        for (String pattern : context.likePatterns("path")) {
            checkAccess(root, context, fixedPart(absolute("path", pattern)));
        }
        for (String pattern : context.likePatterns("directory")) {
            checkAccess(root, context, fixedPart(absolute("directory", pattern)));
        }
        context.textEquals("directory").ifPresent(values -> values.forEach(d -> checkAccess(root, context, absolute("directory", d))));
        context.textEquals("path").ifPresent(values -> values.forEach(p -> paths.add(absolute("path", p))));
        for (String pattern : context.likePatterns("path")) {
            paths.addAll(expand(root, absolute("path", pattern), limit, context));
        }
        Set<String> directories = new LinkedHashSet<>();
        context.textEquals("directory").ifPresent(values -> values.forEach(d -> directories.add(absolute("directory", d))));
        for (String pattern : context.likePatterns("directory")) {
            for (String d : expand(root, absolute("directory", pattern), limit, context)) {
                context.checkCancelled();
                if (root.stat(d).map(a -> a.type().equals("directory")).orElse(false)) {
                    directories.add(d);
                }
            }
        }
        for (String directory : directories) {
            String base = directory.endsWith("/") && directory.length() > 1 ? directory.substring(0, directory.length() - 1) : directory;
            checkAccess(root, context, base);
            List<String> names = new ArrayList<>();
            root.entries(base, entry -> {
                context.checkCancelled();
                names.add(entry.name());
                if (names.size() > limit) {
                    throw new InvalidConstraintException("the directory '" + directory + "' holds more than " + limit
                            + " entries, the most one query lists; narrow it with a path LIKE pattern");
                }
            });
            for (String name : names.stream().sorted().toList()) {
                paths.add(base.equals("/") ? "/" + name : base + "/" + name);
            }
        }
        // and every path, before any table looks at it: a refused path reveals nothing, not even whether it exists
        for (String path : paths) {
            context.checkCancelled();
            checkAccess(root, context, path);
        }
        return paths;
    }

    /**
     * Returns normally when the query's principal may read {@code path}: as written (normalized), and where its
     * symbolic links lead ({@link HostRoot#realPath}), so that a link inside an allowed directory cannot reach out of
     * it. Costs nothing for a principal that may read every path.
     *
     * @throws dev.hostquery.api.PermissionDeniedException naming the path and the role that would allow it
     */
    static void checkAccess(HostRoot root, QueryContext context, String path) {
        context.checkPath(path);
        if (context.pathsRestricted()) {
            root.realPath(path).ifPresent(real -> {
                if (!real.equals(path)) {
                    context.checkPath(real);
                }
            });
        }
    }

    /** The directory a pattern starts from: its components before the first one with a wildcard. */
    static String fixedPart(String pattern) {
        int wildcard = pattern.length();
        for (int i = 0; i < pattern.length(); i++) {
            if (pattern.charAt(i) == '%' || pattern.charAt(i) == '_') {
                wildcard = i;
                break;
            }
        }
        int slash = pattern.lastIndexOf('/', wildcard);
        return slash <= 0 ? "/" : pattern.substring(0, slash);
    }

    /** The constraint's value when it is an absolute path without a NUL character (which no file name can hold). */
    private static String absolute(String column, String path) {
        if (path.indexOf('\0') >= 0) {
            throw new InvalidConstraintException(column + " must not contain a NUL character");
        }
        if (!path.startsWith("/")) {
            throw new InvalidConstraintException(column + " must be an absolute path, got '" + path + "'");
        }
        return path;
    }

    /**
     * Expands a LIKE pattern over the host's file system, component by component: a literal component is kept
     * as written, a {@code %%} component is every path below (walked without following links), any other
     * component with {@code %} or {@code _} is the directory's entries that match it ({@link #like}), sorted.
     *
     * @throws InvalidConstraintException when the expansion passes {@code limit} paths
     */
    static List<String> expand(HostRoot root, String pattern, int limit, QueryContext context) {
        if (pattern.indexOf('%') < 0 && pattern.indexOf('_') < 0) {
            return List.of(pattern);
        }
        List<String> current = List.of("");
        for (String part : pattern.substring(1).split("/", -1)) {
            List<String> next = new ArrayList<>();
            boolean literal = part.indexOf('%') < 0 && part.indexOf('_') < 0;
            Pattern like = literal || part.equals("%%") ? null : like(part);
            for (String prefix : current) {
                context.checkCancelled();
                String directory = prefix.isEmpty() ? "/" : prefix;
                if (!literal) {
                    checkAccess(root, context, directory); // before its names are listed
                }
                if (literal) {
                    add(next, prefix + "/" + part, pattern, limit);
                } else if (like == null) {
                    root.walk(directory, Integer.MAX_VALUE, (path, type) -> {
                        context.checkCancelled();
                        add(next, path, pattern, limit);
                        return true;
                    });
                } else {
                    List<String> matches = new ArrayList<>();
                    root.entries(directory, entry -> {
                        context.checkCancelled();
                        if (like.matches(entry.name())) {
                            matches.add(entry.name());
                            if (next.size() + matches.size() > limit) {
                                throw tooBroad(pattern, limit);
                            }
                        }
                    });
                    matches.sort(null);
                    for (String name : matches) {
                        next.add(prefix + "/" + name);
                    }
                }
            }
            current = next;
        }
        return current;
    }

    private static void add(List<String> paths, String path, String pattern, int limit) {
        paths.add(path);
        if (paths.size() > limit) {
            throw tooBroad(pattern, limit);
        }
    }

    private static InvalidConstraintException tooBroad(String pattern, int limit) {
        return new InvalidConstraintException("the pattern '" + pattern + "' matches more than " + limit
                + " paths, the most one pattern may expand to; narrow it");
    }

    /**
     * SQLite's LIKE within one component, as an RE2J pattern (which matches in time linear in the name, however
     * many {@code %} the pattern holds: no backtracking): {@code %} is any run of characters, {@code _} exactly
     * one, ASCII letters match either case and nothing else is folded (SQLite's default, unlike RE2J's
     * CASE_INSENSITIVE, which would fold Unicode too: 'k' would match the Kelvin sign).
     */
    static Pattern like(String part) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < part.length(); ) {
            int c = part.codePointAt(i);
            i += Character.charCount(c);
            if (c == '%' || c == '_' || c < 128 && Character.isLetter(c)) {
                regex.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
                switch (c) {
                    case '%' -> regex.append(".*");
                    case '_' -> regex.append('.');
                    default -> regex.append('[').appendCodePoint(Character.toLowerCase(c)).appendCodePoint(Character.toUpperCase(c)).append(']');
                }
            } else {
                literal.appendCodePoint(c);
            }
        }
        regex.append(Pattern.quote(literal.toString()));
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
