package dev.hostquery.events.file;

import static dev.hostquery.linux.jna.LinuxLibC.IN_ATTRIB;
import static dev.hostquery.linux.jna.LinuxLibC.IN_CLOSE_WRITE;
import static dev.hostquery.linux.jna.LinuxLibC.IN_CREATE;
import static dev.hostquery.linux.jna.LinuxLibC.IN_DELETE;
import static dev.hostquery.linux.jna.LinuxLibC.IN_IGNORED;
import static dev.hostquery.linux.jna.LinuxLibC.IN_ISDIR;
import static dev.hostquery.linux.jna.LinuxLibC.IN_MODIFY;
import static dev.hostquery.linux.jna.LinuxLibC.IN_MOVED_FROM;
import static dev.hostquery.linux.jna.LinuxLibC.IN_MOVED_TO;
import static dev.hostquery.linux.jna.LinuxLibC.IN_ONLYDIR;
import static dev.hostquery.linux.jna.LinuxLibC.IN_Q_OVERFLOW;

import com.google.re2j.Pattern;
import com.sun.jna.Native;
import dev.hostquery.events.framework.EventPublisher;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.jna.LinuxLibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * File changes from inotify(7) for the configured paths, with osquery's patterns: {@code /etc/%%} watches /etc
 * and every directory below it (new subdirectories too), {@code /etc/%} the entries of /etc, {@code %} inside a
 * path matches within one level ({@code /home/%/.ssh/%}), and a plain path watches that one file or directory.
 * Exclude paths are prefixes or patterns of the same kind.
 *
 * <p>The inotify descriptor is non-blocking and read after poll(2), so the reader can stop. When the kernel
 * queue overflows (IN_Q_OVERFLOW) the event is counted in {@link #overflows()}, reported as dropped, and every
 * watched tree is rescanned so that directories created meanwhile are watched.
 */
public final class InotifyPublisher extends EventPublisher<FileChange> {
    private static final LinuxLibC C = LinuxLibC.INSTANCE;
    private static final int MASK = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
            | IN_ATTRIB | IN_ONLYDIR;

    /** What one watch descriptor stands for. {@code only} limits events to one name (a watched file). */
    private record Watch(String directory, String category, boolean recursive, String only) {
    }

    private final HostRoot root;
    private final Map<String, List<String>> categories;
    private final List<Pattern> excludes;
    private final Map<Integer, Watch> watches = new HashMap<>();
    private final Map<String, Integer> byDirectory = new HashMap<>();
    private final AtomicLong overflows = new AtomicLong();
    private final byte[] buffer = new byte[256 * 1024];
    private int fd = -1;

    /**
     * @param categories category name to its path patterns
     * @param excludes   path prefixes or patterns whose events are ignored
     */
    public InotifyPublisher(HostRoot root, Map<String, List<String>> categories, List<String> excludes) {
        super("inotify");
        this.root = root;
        this.categories = Map.copyOf(categories);
        this.excludes = excludes.stream().map(InotifyPublisher::excludePattern).toList();
    }

    /** Queue overflows seen (each lost an unknown number of events). */
    public long overflows() {
        return overflows.get();
    }

    /** Directories watched now. */
    public synchronized int watchCount() {
        return watches.size();
    }

    @Override
    protected void open() {
        fd = C.inotify_init1(LinuxLibC.IN_NONBLOCK | LinuxLibC.IN_CLOEXEC);
        if (fd < 0) {
            throw new IllegalStateException("inotify_init1 failed: " + LinuxLibC.describe(Native.getLastError()));
        }
        addConfiguredWatches();
    }

    private synchronized void addConfiguredWatches() {
        for (Map.Entry<String, List<String>> category : categories.entrySet()) {
            for (String pattern : category.getValue()) {
                addPattern(category.getKey(), pattern);
            }
        }
    }

    private void addPattern(String category, String pattern) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("file event path '" + pattern + "' of category '" + category + "' is not absolute");
        }
        boolean recursive = pattern.endsWith("/%%");
        boolean entries = !recursive && pattern.endsWith("/%");
        String base = recursive ? pattern.substring(0, pattern.length() - 3) : entries ? pattern.substring(0, pattern.length() - 2) : pattern;
        for (String path : expand(base.isEmpty() ? "/" : base)) {
            Path resolved = root.resolve(path);
            if (recursive) {
                addTree(path, category, new ArrayList<>());
            } else if (entries || Files.isDirectory(resolved)) {
                addWatch(path, category, false, null);
            } else {
                int slash = path.lastIndexOf('/');
                addWatch(slash <= 0 ? "/" : path.substring(0, slash), category, false, path.substring(slash + 1));
            }
        }
    }

    /** Watches a directory and every directory below it; adds the paths of what it finds to {@code found}. */
    private void addTree(String directory, String category, List<String> found) {
        try (Stream<Path> walk = Files.walk(root.resolve(directory))) {
            walk.forEach(p -> {
                String host = root.hostPath(p);
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    addWatch(host, category, true, null);
                }
                if (!host.equals(directory)) {
                    found.add(host);
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            // a directory that vanished or cannot be read: what was walked is watched
        }
    }

    private void addWatch(String directory, String category, boolean recursive, String only) {
        if (excluded(directory)) {
            return;
        }
        int wd = C.inotify_add_watch(fd, root.resolve(directory).toString(), MASK);
        if (wd < 0) {
            int errno = Native.getLastError();
            if (errno == LinuxLibC.ENOSPC) {
                countDropped(1);
                System.getLogger(InotifyPublisher.class.getName()).log(System.Logger.Level.WARNING,
                        "cannot watch " + directory + ": the inotify watch limit (fs.inotify.max_user_watches) is reached");
            }
            return; // ENOENT: gone already; others are reported by missing events, not by failing the publisher
        }
        Watch previous = watches.get(wd);
        boolean widen = previous != null && (recursive && !previous.recursive() || previous.only() != null && only == null);
        if (previous == null || widen) {
            watches.put(wd, new Watch(directory, category, recursive, only));
            byDirectory.put(directory, wd);
        }
    }

    /** Expands % within components (not the last one's %/%% handled by the caller) by listing directories. */
    private List<String> expand(String path) {
        if (path.indexOf('%') < 0) {
            return List.of(path);
        }
        List<String> current = List.of("");
        for (String part : path.substring(1).split("/")) {
            List<String> next = new ArrayList<>();
            for (String prefix : current) {
                if (part.indexOf('%') < 0) {
                    next.add(prefix + "/" + part);
                    continue;
                }
                Pattern regex = Pattern.compile(regex(part, ".*", ".*"));
                for (String name : root.list(prefix.isEmpty() ? "/" : prefix)) {
                    if (regex.matcher(name).matches()) {
                        next.add(prefix + "/" + name);
                    }
                }
            }
            current = next;
        }
        return current;
    }

    @Override
    protected void poll() {
        LinuxLibC.PollFd pfd = new LinuxLibC.PollFd(fd, LinuxLibC.POLLIN);
        int ready = C.poll(pfd, 1, 500);
        if (ready <= 0) {
            return;
        }
        List<FileChange> batch = new ArrayList<>();
        while (!stopping()) {
            long n = C.read(fd, buffer, buffer.length);
            if (n <= 0) {
                break; // EAGAIN: drained
            }
            parse((int) n, batch);
        }
        publish(batch);
    }

    private synchronized void parse(int length, List<FileChange> batch) {
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, length).order(ByteOrder.nativeOrder());
        boolean rescan = false;
        for (int at = 0; at + 16 <= length; ) {
            int wd = b.getInt(at);
            int mask = b.getInt(at + 4);
            int cookie = b.getInt(at + 8);
            int nameLength = b.getInt(at + 12);
            int end = at + 16;
            while (end < at + 16 + nameLength && buffer[end] != 0) {
                end++;
            }
            String name = new String(buffer, at + 16, end - at - 16, StandardCharsets.UTF_8);
            at += 16 + nameLength;
            if ((mask & IN_Q_OVERFLOW) != 0) {
                overflows.incrementAndGet();
                countDropped(1);
                rescan = true;
                continue;
            }
            Watch watch = watches.get(wd);
            if (watch == null) {
                continue;
            }
            if ((mask & IN_IGNORED) != 0) {
                watches.remove(wd);
                byDirectory.remove(watch.directory(), wd);
                continue;
            }
            if (name.isEmpty() || watch.only() != null && !watch.only().equals(name)) {
                continue; // events about the watched directory itself arrive from its parent's watch
            }
            String path = watch.directory().equals("/") ? "/" + name : watch.directory() + "/" + name;
            if (excluded(path)) {
                continue;
            }
            batch.add(new FileChange(path, watch.category(), mask, cookie));
            if (watch.recursive() && (mask & IN_ISDIR) != 0 && (mask & (IN_CREATE | IN_MOVED_TO)) != 0) {
                List<String> found = new ArrayList<>();
                addTree(path, watch.category(), found);
                for (String inside : found) {
                    // created before the new directory was watched: report them as created
                    int dir = Files.isDirectory(root.resolve(inside)) ? IN_ISDIR : 0;
                    batch.add(new FileChange(inside, watch.category(), IN_CREATE | dir, 0));
                }
            }
        }
        if (rescan) {
            addConfiguredWatches();
        }
    }

    private boolean excluded(String path) {
        for (Pattern p : excludes) {
            if (p.matcher(path).matches()) {
                return true;
            }
        }
        return false;
    }

    /** An exclude path matches itself and everything below it; % matches within a level, %% across levels. */
    static Pattern excludePattern(String exclude) {
        String base = exclude.endsWith("/%%") ? exclude.substring(0, exclude.length() - 3) : exclude;
        return Pattern.compile(regex(base, ".*", "[^/]*") + "(/.*)?");
    }

    /**
     * A configured path pattern as an RE2J regular expression (RE2J matches in linear time, so no pattern can
     * make matching a path slow): {@code %%} becomes {@code doublePercent}, {@code %} becomes {@code percent},
     * everything else is literal and case-sensitive.
     */
    private static String regex(String pattern, String doublePercent, String percent) {
        StringBuilder regex = new StringBuilder();
        int literal = 0;
        for (int i = 0; i < pattern.length(); i++) {
            if (pattern.charAt(i) != '%') {
                continue;
            }
            regex.append(Pattern.quote(pattern.substring(literal, i)));
            boolean twice = i + 1 < pattern.length() && pattern.charAt(i + 1) == '%';
            regex.append(twice ? doublePercent : percent);
            i += twice ? 1 : 0;
            literal = i + 1;
        }
        return regex.append(Pattern.quote(pattern.substring(literal))).toString();
    }

    @Override
    protected void closeSource() {
        if (fd >= 0) {
            C.close(fd);
            fd = -1;
        }
    }
}
