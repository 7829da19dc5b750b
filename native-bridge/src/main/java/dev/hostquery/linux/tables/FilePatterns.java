package dev.hostquery.linux.tables;

import dev.hostquery.api.InvalidConstraintException;
import dev.hostquery.api.QueryContext;
import dev.hostquery.linux.HostRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The paths the {@code file} and {@code hash} tables look at, from their {@code path} and {@code directory}
 * constraints, with osquery's LIKE semantics on paths: {@code %} matches within one path component and a
 * component of {@code %%} matches any depth ({@code /etc/%%} is everything under /etc).
 */
final class FilePatterns {
    /** Most paths one pattern may expand to; past it the pattern is refused as too broad. */
    static final int MAX_EXPANSION = 200_000;

    private FilePatterns() {
    }

    /**
     * Host paths (absolute, as the query wrote them) to stat: the path constraints' values and expansions,
     * and the entries of the directory constraints' directories.
     *
     * @throws InvalidConstraintException for a relative path or a pattern that expands too far
     */
    static Set<String> paths(HostRoot root, QueryContext context) {
        Set<String> paths = new LinkedHashSet<>();
        context.textEquals("path").ifPresent(values -> values.forEach(p -> paths.add(absolute("path", p))));
        for (String pattern : context.likePatterns("path")) {
            paths.addAll(expand(root, absolute("path", pattern)));
        }
        Set<String> directories = new LinkedHashSet<>();
        context.textEquals("directory").ifPresent(values -> values.forEach(d -> directories.add(absolute("directory", d))));
        for (String pattern : context.likePatterns("directory")) {
            expand(root, absolute("directory", pattern)).stream().filter(d -> Files.isDirectory(root.resolve(d)))
                    .forEach(directories::add);
        }
        for (String directory : directories) {
            String base = directory.endsWith("/") && directory.length() > 1 ? directory.substring(0, directory.length() - 1) : directory;
            for (String name : root.list(base).stream().sorted().toList()) {
                paths.add(base.equals("/") ? "/" + name : base + "/" + name);
            }
        }
        return paths;
    }

    private static String absolute(String column, String path) {
        if (!path.startsWith("/")) {
            throw new InvalidConstraintException(column + " must be an absolute path, got '" + path + "'");
        }
        return path;
    }

    /** Expands a LIKE pattern over the host's file system, component by component. */
    static List<String> expand(HostRoot root, String pattern) {
        if (pattern.indexOf('%') < 0 && pattern.indexOf('_') < 0) {
            return List.of(pattern);
        }
        List<String> current = List.of("");
        String[] parts = pattern.substring(1).split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            List<String> next = new ArrayList<>();
            for (String prefix : current) {
                if (part.equals("%%")) {
                    next.addAll(walk(root, prefix.isEmpty() ? "/" : prefix));
                } else if (part.indexOf('%') < 0 && part.indexOf('_') < 0) {
                    next.add(prefix + "/" + part);
                } else {
                    Pattern regex = like(part);
                    for (String name : root.list(prefix.isEmpty() ? "/" : prefix).stream().sorted().toList()) {
                        if (regex.matcher(name).matches()) {
                            next.add(prefix + "/" + name);
                        }
                    }
                }
                if (next.size() > MAX_EXPANSION) {
                    throw new InvalidConstraintException("the pattern '" + pattern + "' matches more than "
                            + MAX_EXPANSION + " paths; narrow it");
                }
            }
            current = next;
        }
        return current;
    }

    private static List<String> walk(HostRoot root, String directory) {
        List<String> result = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root.resolve(directory))) {
            walk.skip(1).limit(MAX_EXPANSION + 1L).forEach(p -> result.add(root.hostPath(p)));
        } catch (IOException | java.io.UncheckedIOException e) {
            // unreadable subtrees contribute what was read before the error
        }
        return result;
    }

    /** SQLite LIKE within one component: % is any run of characters, _ one character, ASCII case-insensitive. */
    static Pattern like(String part) {
        StringBuilder regex = new StringBuilder();
        for (char c : part.toCharArray()) {
            switch (c) {
                case '%' -> regex.append(".*");
                case '_' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }
}
