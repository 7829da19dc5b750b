package dev.hostquery.linux;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the host's file system is: every {@code /proc}, {@code /sys}, {@code /etc}, {@code /var} and home
 * path a table reads is resolved under this root. {@code /} on a plain host; {@code /host} in a container that
 * mounts the host there; a fixture tree in tests.
 *
 * <p>Reads return {@link Optional#empty()} (or an empty list) when a file does not exist or cannot be read:
 * tables turn that into NULL columns or no rows, never into an error for the whole query.
 */
public final class HostRoot {
    private final Path root;

    public HostRoot(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    /** The root of this process's own file system. */
    public static HostRoot system() {
        return new HostRoot(Path.of("/"));
    }

    public Path root() {
        return root;
    }

    /** Resolves an absolute host path ({@code /proc/1/stat}) under the root. */
    public Path resolve(String absolute) {
        String relative = absolute.startsWith("/") ? absolute.substring(1) : absolute;
        return relative.isEmpty() ? root : root.resolve(relative);
    }

    /** The host path of {@code file}, inverse of {@link #resolve}: {@code /host/etc/passwd} becomes {@code /etc/passwd}. */
    public String hostPath(Path file) {
        Path relative = root.relativize(file.toAbsolutePath().normalize());
        return "/" + relative.toString();
    }

    /** The whole file as UTF-8 (malformed bytes replaced), or empty when it cannot be read. */
    public Optional<String> read(String absolute) {
        return readPath(resolve(absolute));
    }

    /** The whole file as UTF-8, or empty when it cannot be read. */
    public static Optional<String> readPath(Path file) {
        return bytes(file).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** The whole file as bytes, or empty when it cannot be read. */
    public Optional<byte[]> readBytes(String absolute) {
        return bytes(resolve(absolute));
    }

    /**
     * Reads a file through a stream, in reads of 8 KiB. Not Files.readAllBytes: for a file that reports size 0,
     * as /proc files do, it reads one byte first, and integer sysctls (proc_dointvec) answer a read at offset 1
     * with end of file, so /proc/sys/fs/inotify/max_queued_events would read as "1".
     */
    private static Optional<byte[]> bytes(Path file) {
        try (var in = Files.newInputStream(file)) {
            return Optional.of(in.readAllBytes());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** The file's lines, or an empty list when it cannot be read. */
    public List<String> lines(String absolute) {
        return read(absolute).map(String::lines).map(s -> s.toList()).orElse(List.of());
    }

    /** The trimmed first line of a one-value pseudo-file such as {@code /sys/class/net/eth0/mtu}. */
    public Optional<String> value(String absolute) {
        return read(absolute).map(String::strip);
    }

    /** The target of a symbolic link, or empty. */
    public Optional<String> readLink(String absolute) {
        try {
            return Optional.of(Files.readSymbolicLink(resolve(absolute)).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Names of the entries of a directory, or an empty list. */
    public List<String> list(String absolute) {
        List<String> names = new ArrayList<>();
        try (var stream = Files.newDirectoryStream(resolve(absolute))) {
            for (Path p : stream) {
                names.add(p.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | SecurityException e) {
            return names;
        }
        return names;
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
