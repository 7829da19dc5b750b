package dev.hostquery.linux;

import static dev.hostquery.linux.jna.LinuxLibC.AT_EMPTY_PATH;
import static dev.hostquery.linux.jna.LinuxLibC.AT_FDCWD;
import static dev.hostquery.linux.jna.LinuxLibC.AT_NO_AUTOMOUNT;
import static dev.hostquery.linux.jna.LinuxLibC.AT_SYMLINK_NOFOLLOW;
import static dev.hostquery.linux.jna.LinuxLibC.O_CLOEXEC;
import static dev.hostquery.linux.jna.LinuxLibC.O_DIRECTORY;
import static dev.hostquery.linux.jna.LinuxLibC.O_NOCTTY;
import static dev.hostquery.linux.jna.LinuxLibC.O_NOFOLLOW;
import static dev.hostquery.linux.jna.LinuxLibC.O_NONBLOCK;
import static dev.hostquery.linux.jna.LinuxLibC.O_PATH;
import static dev.hostquery.linux.jna.LinuxLibC.O_RDONLY;
import static dev.hostquery.linux.jna.LinuxLibC.RESOLVE_BENEATH;
import static dev.hostquery.linux.jna.LinuxLibC.RESOLVE_IN_ROOT;
import static dev.hostquery.linux.jna.LinuxLibC.RESOLVE_NO_MAGICLINKS;
import static dev.hostquery.linux.jna.LinuxLibC.RESOLVE_NO_SYMLINKS;
import static dev.hostquery.linux.jna.LinuxLibC.S_IFDIR;
import static dev.hostquery.linux.jna.LinuxLibC.S_IFLNK;
import static dev.hostquery.linux.jna.LinuxLibC.S_IFREG;
import static dev.hostquery.linux.jna.LinuxLibC.path;
import static java.util.Objects.requireNonNull;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.platform.linux.LibC;
import dev.hostquery.linux.jna.LinuxLibC;
import dev.hostquery.linux.jna.LinuxLibC.Direct;
import dev.hostquery.linux.jna.LinuxLibC.Statx;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Where the host's file system is: every {@code /proc}, {@code /sys}, {@code /etc}, {@code /var} and home
 * path a table reads is resolved under this root. {@code /} on a plain host; {@code /host} in a container that
 * mounts the host there; a fixture tree in tests.
 *
 * <p>Every path is resolved inside the root, symbolic links included: an absolute link is read from the root
 * and {@code ..} stops at it, so {@code /host/home/alice/.bash_history -> /etc/shadow} reads the host's
 * {@code /etc/shadow}, never the container's (and {@link #readOwnedBy}, which follows no link in the last
 * component and checks the owner, reads neither). On
 * Linux 5.6 and later this is openat2(2) with {@code RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS} relative to a
 * descriptor of the root; on older kernels (openat2 answers ENOSYS, probed once) the same rules are applied
 * component by component: each name is opened with {@code O_NOFOLLOW} relative to its parent's descriptor, a
 * symbolic link's text is read and resolved the same way (absolute targets from the root, at most 40 links), and
 * {@code ..} pops a stack of descriptors that never goes above the root. The one difference is a magic link
 * such as {@code /proc/1/root}: openat2 refuses it, the fallback resolves its text as a path inside the root.
 *
 * <p>Files are opened with {@code O_NONBLOCK | O_NOCTTY | O_CLOEXEC}, described with statx(2) on the opened
 * descriptor, and read only when they are regular files (procfs and sysfs files are), so a FIFO, a socket or a
 * device never blocks or feeds a reader. A file is read whole up to {@link #MAX_READ_BYTES}; a larger one fails
 * the read with an {@link IllegalStateException} naming the file rather than pinning memory.
 *
 * <p>Reads return {@link Optional#empty()} (or an empty list) when a file does not exist or cannot be read:
 * tables turn that into NULL columns or no rows, never into an error for the whole query.
 *
 * <p>The root's {@code O_PATH} descriptor is opened by the constructor and owned by this object for its whole
 * life: {@link #close()} releases it once no call is using it, and a HostRoot nobody closes (one shared by every
 * table of a running service) releases it when it becomes unreachable. Calls after {@code close()} fail with
 * {@link IllegalStateException}. Instances are safe to share between threads.
 */
public final class HostRoot implements AutoCloseable {
    /** The most bytes one read returns: 64 MiB. */
    public static final long MAX_READ_BYTES = 64L << 20;

    private static final System.Logger LOG = System.getLogger(HostRoot.class.getName());
    /** Closes the descriptor of a HostRoot that was never closed, once it is unreachable. */
    private static final Cleaner CLEANER = Cleaner.create();
    /** Whether openat2(2) works on this kernel (Linux 5.6+, not refused by a seccomp filter); probed once. */
    static final boolean OPENAT2 = probeOpenat2();
    /** Symbolic links one resolution follows before failing with ELOOP, as the kernel's MAXSYMLINKS. */
    private static final int MAX_LINKS = 40;
    private static final int READ_CHUNK = 8192;
    /** sizeof(struct open_how) in its first version (Linux 5.6). */
    private static final long OPEN_HOW_SIZE = 24;

    private final Path root;
    /** Owned: the root's descriptor, shared by every call; closed once by {@link #close()} or the cleaner. */
    private final RootDescriptor descriptor;
    private final Cleaner.Cleanable cleanable;
    private final boolean openat2;

    /**
     * @throws IllegalArgumentException when the root cannot be opened as a directory (it does not exist, say)
     */
    public HostRoot(Path root) {
        this(root, OPENAT2);
    }

    /** With {@code openat2 = false}, resolves component by component as on kernels older than 5.6 (for tests). */
    HostRoot(Path root, boolean openat2) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
        int fd = Direct.openat(AT_FDCWD, path(this.root.toString()), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0) {
            throw new IllegalArgumentException("cannot open the host root " + this.root + ": "
                    + LinuxLibC.describe(Native.getLastError()));
        }
        this.descriptor = new RootDescriptor(fd, this.root.toString());
        this.cleanable = CLEANER.register(this, descriptor);
        this.openat2 = openat2 && OPENAT2;
    }

    /** The root of this process's own file system. */
    public static HostRoot system() {
        return new HostRoot(Path.of("/"));
    }

    public Path root() {
        return root;
    }

    /**
     * Resolves an absolute host path ({@code /proc/1/stat}) under the root, as text: symbolic links in it are
     * not resolved, so a caller that opens the result itself is not confined to the root. Prefer the reading
     * methods of this class.
     */
    public Path resolve(String absolute) {
        String relative = absolute.startsWith("/") ? absolute.substring(1) : absolute;
        return relative.isEmpty() ? root : root.resolve(relative);
    }

    /** The host path of {@code file}, inverse of {@link #resolve}: {@code /host/etc/passwd} becomes {@code /etc/passwd}. */
    public String hostPath(Path file) {
        Path relative = root.relativize(file.toAbsolutePath().normalize());
        return "/" + relative.toString();
    }

    /** The whole file as UTF-8 (malformed bytes replaced), or empty when it cannot be read or is not a regular file. */
    public Optional<String> read(String absolute) {
        return readBytes(absolute).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** The whole file as bytes, or empty when it cannot be read or is not a regular file. */
    public Optional<byte[]> readBytes(String absolute) {
        return readInRoot(absolute, 0, -1);
    }

    /**
     * A file in a user's home, as UTF-8, only when it is a regular file owned by {@code uid}: read through a
     * descriptor opened with {@code O_NOFOLLOW} (a symbolic link in the last component is refused) whose statx(2)
     * owner must equal {@code uid}. So a user cannot make hostquery read, through a link or a hard link in their
     * home, a file they do not own. Empty otherwise, or when the file cannot be read.
     */
    public Optional<String> readOwnedBy(String absolute, long uid) {
        return readInRoot(absolute, O_NOFOLLOW, uid).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /**
     * The whole file at a path of this process's own file system (not resolved under any root; links are
     * followed), with the same rules as {@link #read}: non-blocking, regular files only, at most
     * {@link #MAX_READ_BYTES}.
     */
    public static Optional<String> readPath(Path file) {
        String name = file.toAbsolutePath().toString();
        int fd = name.indexOf('\0') >= 0 ? -1 : Direct.openat(AT_FDCWD, path(name), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
        if (fd < 0) {
            return Optional.empty();
        }
        try {
            return readOpened(fd, name, -1).map(b -> new String(b, StandardCharsets.UTF_8));
        } finally {
            Direct.close(fd);
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

    /** The target of a symbolic link (a magic link of /proc too, such as {@code /proc/1/exe}), or empty. */
    public Optional<String> readLink(String absolute) {
        int fd = open(absolute, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(readLinkAt(fd, ""));
        } finally {
            Direct.close(fd);
        }
    }

    /** lstat(2) inside the root: a symbolic link in the last component is described itself. Empty when it cannot be. */
    public Optional<FileAttributes> lstat(String absolute) {
        return attributes(absolute, O_NOFOLLOW);
    }

    /** stat(2) inside the root: links are followed (within the root). Empty when the file cannot be described. */
    public Optional<FileAttributes> stat(String absolute) {
        return attributes(absolute, 0);
    }

    private Optional<FileAttributes> attributes(String absolute, int nofollow) {
        int fd = open(absolute, O_PATH | O_CLOEXEC | nofollow);
        if (fd < 0) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(statx(fd, "", AT_EMPTY_PATH | AT_NO_AUTOMOUNT, LinuxLibC.STATX_BASIC_STATS | LinuxLibC.STATX_BTIME))
                    .map(FileAttributes::of);
        } finally {
            Direct.close(fd);
        }
    }

    /** statvfs(3) of the file system holding a file (links followed inside the root), or empty. */
    public Optional<LibC.Statvfs> statvfs(String absolute) {
        int fd = open(absolute, O_PATH | O_CLOEXEC);
        if (fd < 0) {
            return Optional.empty();
        }
        try {
            LibC.Statvfs vfs = new LibC.Statvfs();
            return Direct.fstatvfs(fd, vfs) == 0 ? Optional.of(vfs) : Optional.empty();
        } finally {
            Direct.close(fd);
        }
    }

    /**
     * The host path a path resolves to inside the root, links followed ({@code /dev/disk/by-uuid/…} becomes
     * {@code /dev/sda1}), from the kernel's name of the opened descriptor ({@code /proc/self/fd/N}). Empty when
     * the file does not exist, or when this process has no /proc to ask.
     */
    public Optional<String> realPath(String absolute) {
        int fd = open(absolute, O_PATH | O_CLOEXEC);
        if (fd < 0) {
            return Optional.empty();
        }
        try {
            Path real = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd));
            return real.startsWith(root) ? Optional.of(hostPath(real)) : Optional.empty();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        } finally {
            Direct.close(fd);
        }
    }

    /**
     * A file's extended attributes, name to value, in the order listxattr(2) gives them (links followed inside the
     * root). Read with listxattr(2) and getxattr(2) (jna-platform's XAttrUtil) through the {@code /proc/self/fd} link
     * of an O_PATH descriptor opened inside the root, so that the path cannot lead out of it and no file is opened
     * for reading (a device or a FIFO is never touched). Empty when the file does not exist or its attributes cannot
     * be read; an attribute that vanished between the list and the read is left out.
     */
    public Optional<java.util.Map<String, byte[]>> extendedAttributes(String absolute) {
        int fd = open(absolute, O_PATH | O_CLOEXEC);
        if (fd < 0) {
            return Optional.empty();
        }
        try {
            String handle = "/proc/self/fd/" + fd;
            java.util.Map<String, byte[]> attributes = new java.util.LinkedHashMap<>();
            for (String name : com.sun.jna.platform.linux.XAttrUtil.listXAttr(handle)) {
                try {
                    attributes.put(name, com.sun.jna.platform.linux.XAttrUtil.getXAttrBytes(handle, name));
                } catch (IOException e) {
                    // removed meanwhile, or not readable by this process: no row for it
                }
            }
            return Optional.of(attributes);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } finally {
            Direct.close(fd);
        }
    }

    /** Names of the entries of a directory (links followed inside the root), in the order the kernel lists them, or an empty list. */
    public List<String> list(String absolute) {
        List<String> names = new ArrayList<>();
        entries(absolute, e -> names.add(e.name()));
        return names;
    }

    /**
     * The entries of a directory (links followed inside the root) with their types, each passed to
     * {@code action} as it is read, in the order the kernel lists them; {@code .} and {@code ..} are left out.
     * An entry that vanishes while being described is skipped; when the directory stops being readable midway
     * (a process's /proc directory when it exits), the entries read so far are all there is.
     *
     * @return false when the directory cannot be opened
     */
    public boolean entries(String absolute, Consumer<Entry> action) {
        int fd = open(absolute, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            return false;
        }
        try {
            readDirectory(fd, action);
            return true;
        } finally {
            Direct.close(fd);
        }
    }

    /**
     * Walks the tree under a directory, depth first: {@code visitor} sees every entry below {@code start} (not
     * {@code start} itself), with its host path and type, and says whether to descend into a directory.
     * {@code start} is resolved inside the root with links followed; below it no symbolic link is ever followed:
     * each directory is opened relative to {@code start} with {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS}, so a
     * directory replaced by a link during the walk is skipped, not entered. A directory that cannot be read (its
     * permissions, a process that exited) is skipped with what it holds, as osquery skips it. The visitor may throw
     * to end the walk (a limit reached, the query cancelled); the walk holds no descriptor after it returns or throws.
     *
     * @param maxDepth levels to visit: 1 is the entries of {@code start} only
     * @return false when {@code start} cannot be opened as a directory
     */
    public boolean walk(String start, int maxDepth, WalkVisitor visitor) {
        int startFd = open(start, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
        if (startFd < 0) {
            return false;
        }
        String base = start.endsWith("/") ? start.substring(0, start.length() - 1) : start;
        try {
            record Pending(String relative, int depth) {
            }
            Deque<Pending> pending = new ArrayDeque<>();
            pending.push(new Pending("", 1));
            while (!pending.isEmpty()) {
                Pending directory = pending.pop();
                int fd = directory.relative().isEmpty() ? startFd : openBeneath(startFd, directory.relative());
                if (fd < 0) {
                    continue; // unreadable, vanished, or replaced by a link since it was listed
                }
                List<String> below = new ArrayList<>();
                try {
                    readDirectory(fd, entry -> {
                        String relative = directory.relative().isEmpty() ? entry.name() : directory.relative() + "/" + entry.name();
                        boolean descend = visitor.visit(base + "/" + relative, entry.type());
                        if (descend && entry.isDirectory() && directory.depth() < maxDepth) {
                            below.add(relative);
                        }
                    });
                } finally {
                    if (fd != startFd) {
                        Direct.close(fd);
                    }
                }
                for (int i = below.size() - 1; i >= 0; i--) {
                    pending.push(new Pending(below.get(i), directory.depth() + 1));
                }
            }
            return true;
        } finally {
            Direct.close(startFd);
        }
    }

    /** What a walk is told of each entry; see {@link HostRoot#walk}. */
    @FunctionalInterface
    public interface WalkVisitor {
        /**
         * @param path host path of the entry
         * @param type as {@link FileAttributes#type()}: regular, directory, symlink, block, character, fifo, socket or unknown
         * @return whether to descend into it, when it is a directory
         */
        boolean visit(String path, String type);
    }

    /**
     * One directory entry: its name and its type, from the directory itself (getdents64(2) d_type) or, where the
     * file system does not say, from statx(2) of the entry without following it.
     *
     * @param type as {@link FileAttributes#type()}: regular, directory, symlink, block, character, fifo, socket or unknown
     */
    public record Entry(String name, String type) {
        public Entry {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }

        public boolean isDirectory() {
            return type.equals("directory");
        }
    }

    /** Releases the root's descriptor once no call is using it; idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return root.toString();
    }

    // ---- reading an opened descriptor

    private Optional<byte[]> readInRoot(String absolute, int flags, long owner) {
        int fd = open(absolute, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | flags);
        if (fd < 0) {
            return Optional.empty();
        }
        try {
            return readOpened(fd, absolute, owner);
        } finally {
            Direct.close(fd);
        }
    }

    /**
     * Reads a regular file whole from an opened descriptor, in reads of at least 8 KiB until read(2) answers 0.
     * Not by its size: files of /proc and /sys report 0 or 4096. Not a first read of one byte either: integer
     * sysctls (proc_dointvec) answer a read at offset 1 with end of file.
     *
     * @param owner the uid the file must belong to, or -1 for any
     * @throws IllegalStateException when the file is larger than {@link #MAX_READ_BYTES}
     */
    private static Optional<byte[]> readOpened(int fd, String name, long owner) {
        Statx st = statx(fd, "", AT_EMPTY_PATH, LinuxLibC.STATX_TYPE | LinuxLibC.STATX_UID | LinuxLibC.STATX_SIZE);
        if (st == null || st.type() != S_IFREG || owner >= 0 && st.uid() != owner) {
            return Optional.empty();
        }
        byte[] chunk = new byte[(int) Math.clamp(st.size() + 1, READ_CHUNK, 1 << 20)];
        byte[] data = null;
        int length = 0;
        for (;;) {
            long n = Direct.read(fd, chunk, chunk.length);
            if (n < 0) {
                if (Native.getLastError() == LinuxLibC.EINTR) {
                    continue;
                }
                return Optional.empty();
            }
            if (n == 0) {
                break;
            }
            if (length + n > MAX_READ_BYTES) {
                throw new IllegalStateException(name + " is larger than " + (MAX_READ_BYTES >> 20)
                        + " MiB, the most hostquery reads of one file");
            }
            if (data == null) {
                data = n == chunk.length ? chunk.clone() : Arrays.copyOf(chunk, (int) n);
            } else {
                if (length + n > data.length) {
                    data = Arrays.copyOf(data, (int) Math.min(Math.max(data.length * 2L, length + n), MAX_READ_BYTES));
                }
                System.arraycopy(chunk, 0, data, length, (int) n);
            }
            length += (int) n;
        }
        return Optional.of(data == null ? new byte[0] : length == data.length ? data : Arrays.copyOf(data, length));
    }

    /**
     * A file of the host opened for reading: a regular file, non-blocking, resolved inside the root. The caller
     * owns it and closes it (try-with-resources); see {@link #openRegular}.
     */
    public static final class RegularFile implements AutoCloseable {
        private final int fd;
        private final String name;
        private final long size;
        private boolean closed;

        private RegularFile(int fd, String name, long size) {
            this.fd = fd;
            this.name = name;
            this.size = size;
        }

        /** The host path it was opened by. */
        public String name() {
            return name;
        }

        /** Its size in bytes when opened. */
        public long size() {
            return size;
        }

        /**
         * read(2) into {@code buffer} from its start: the bytes read, or 0 at the end of the file.
         *
         * @throws IOException naming the file when read(2) fails
         */
        public int read(byte[] buffer) throws IOException {
            for (;;) {
                long n = Direct.read(fd, buffer, buffer.length);
                if (n >= 0) {
                    return (int) n;
                }
                int errno = Native.getLastError();
                if (errno != LinuxLibC.EINTR) {
                    throw new IOException("cannot read " + name + ": " + LinuxLibC.describe(errno));
                }
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                Direct.close(fd);
            }
        }
    }

    /**
     * Opens a regular file for reading, links followed inside the root, with {@code O_NONBLOCK | O_NOCTTY}; empty
     * when it does not exist, cannot be opened or is not a regular file (it is then closed at once, never read).
     */
    public Optional<RegularFile> openRegular(String absolute) {
        int fd = open(absolute, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        return regular(fd, absolute);
    }

    /** As {@link #openRegular(String)}, for a path of this process's own file system (not confined to a root). */
    public static Optional<RegularFile> openRegular(Path file) {
        String name = file.toAbsolutePath().toString();
        return regular(name.indexOf('\0') >= 0 ? -1 : Direct.openat(AT_FDCWD, path(name), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0), name);
    }

    private static Optional<RegularFile> regular(int fd, String name) {
        if (fd < 0) {
            return Optional.empty();
        }
        Statx st = statx(fd, "", AT_EMPTY_PATH, LinuxLibC.STATX_TYPE | LinuxLibC.STATX_SIZE);
        if (st == null || st.type() != S_IFREG) {
            Direct.close(fd);
            return Optional.empty();
        }
        return Optional.of(new RegularFile(fd, name, st.size()));
    }

    // ---- directories

    /** Reads a directory descriptor with getdents64(2), 32 KiB at a time, until its end or an error. */
    private static void readDirectory(int fd, Consumer<Entry> action) {
        try (Memory buffer = new Memory(32 * 1024)) {
            for (;;) {
                long n = Direct.syscall(LinuxLibC.SYS_getdents64, fd, buffer, buffer.size());
                if (n <= 0) {
                    return; // 0: the end; -1: EACCES, ENOENT of an exited process, ...: what was read is all there is
                }
                ByteBuffer b = buffer.getByteBuffer(0, n).order(java.nio.ByteOrder.nativeOrder());
                // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[] (NUL-terminated)
                for (int at = 0; at < n; ) {
                    int reclen = Short.toUnsignedInt(b.getShort(at + 16));
                    byte dtype = b.get(at + 18);
                    int end = at + 19;
                    while (end < at + reclen && b.get(end) != 0) {
                        end++;
                    }
                    byte[] utf8 = new byte[end - at - 19];
                    b.get(at + 19, utf8);
                    at += reclen;
                    String name = new String(utf8, StandardCharsets.UTF_8);
                    if (name.equals(".") || name.equals("..")) {
                        continue;
                    }
                    String type = typeOf(dtype);
                    if (type == null) {
                        Statx st = statx(fd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, LinuxLibC.STATX_TYPE);
                        if (st == null) {
                            continue; // vanished since it was listed
                        }
                        type = FileAttributes.typeName(st.mode());
                    }
                    action.accept(new Entry(name, type));
                }
            }
        }
    }

    /** The type name of a d_type, or null for DT_UNKNOWN (the file system does not fill it). */
    private static String typeOf(byte dtype) {
        return switch (dtype) {
            case LinuxLibC.DT_REG -> "regular";
            case LinuxLibC.DT_DIR -> "directory";
            case LinuxLibC.DT_LNK -> "symlink";
            case LinuxLibC.DT_BLK -> "block";
            case LinuxLibC.DT_CHR -> "character";
            case LinuxLibC.DT_FIFO -> "fifo";
            case LinuxLibC.DT_SOCK -> "socket";
            default -> null;
        };
    }

    // ---- resolution

    /** Opens an absolute host path inside the root: a descriptor, or -1 (errno is not kept: every failure reads as "cannot"). */
    private int open(String absolute, int flags) {
        if (absolute.indexOf('\0') >= 0) {
            return -1; // no file has a NUL in its name; the C string would end there
        }
        String relative = stripSlashes(absolute);
        int dirfd = descriptor.acquire();
        try {
            if (openat2) {
                return openat2(dirfd, relative, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
            }
            return openByComponents(dirfd, relative, flags, true);
        } finally {
            descriptor.release();
        }
    }

    /** Opens a directory below {@code startFd} by a relative path, following no symbolic link on the way. */
    private int openBeneath(int startFd, String relative) {
        int flags = O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW;
        if (openat2) {
            return openat2(startFd, relative, flags, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
        }
        return openByComponents(startFd, relative, flags, false);
    }

    private static int openat2(int dirfd, String relative, int flags, long resolve) {
        byte[] path = path(relative.isEmpty() ? "." : relative);
        for (int attempt = 0; ; attempt++) {
            long fd = Direct.syscall(LinuxLibC.SYS_openat2, dirfd, path, new long[] {flags, 0, resolve}, OPEN_HOW_SIZE);
            if (fd >= 0) {
                return (int) fd;
            }
            int errno = Native.getLastError();
            // EAGAIN: a rename during resolution left the kernel unsure that ".." stayed inside; openat2(2) says retry
            if (errno != LinuxLibC.EAGAIN && errno != LinuxLibC.EINTR || attempt >= 3) {
                return -1;
            }
        }
    }

    /**
     * The fallback for kernels without openat2(2): resolves {@code relative} under {@code base} one component at
     * a time, each opened with {@code O_PATH | O_NOFOLLOW} relative to its parent's descriptor. A symbolic link
     * (with {@code symlinks}; else the open fails) is read and its target resolved the same way, an absolute one
     * from {@code base}; {@code ..} returns to the parent's descriptor and never above {@code base}. The last
     * component is opened with {@code flags} (and {@code O_NOFOLLOW}, so a link swapped in after the check fails).
     */
    private static int openByComponents(int base, String relative, int flags, boolean symlinks) {
        Deque<String> names = new ArrayDeque<>(components(relative));
        Deque<Integer> opened = new ArrayDeque<>(); // descriptors of the directories below base, innermost first
        int links = 0;
        try {
            while (!names.isEmpty()) {
                String name = names.pollFirst();
                int parent = opened.isEmpty() ? base : opened.peekFirst();
                if (name.equals("..")) {
                    if (!opened.isEmpty()) {
                        Direct.close(opened.pollFirst());
                    }
                    continue;
                }
                boolean last = names.isEmpty();
                int fd = Direct.openat(parent, path(name), O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
                if (fd < 0) {
                    return -1;
                }
                Statx st = statx(fd, "", AT_EMPTY_PATH | AT_NO_AUTOMOUNT, LinuxLibC.STATX_TYPE);
                int type = st == null ? 0 : st.type();
                if (type == S_IFLNK && (!last || (flags & O_NOFOLLOW) == 0)) {
                    String target = symlinks && ++links <= MAX_LINKS ? readLinkAt(fd, "") : null;
                    Direct.close(fd);
                    if (target == null || target.isEmpty()) {
                        return -1; // ELOOP, or a link that cannot be read
                    }
                    if (target.startsWith("/")) {
                        opened.forEach(Direct::close);
                        opened.clear();
                    }
                    List<String> parts = components(target);
                    for (int i = parts.size() - 1; i >= 0; i--) {
                        names.addFirst(parts.get(i));
                    }
                    continue;
                }
                if (last) {
                    Direct.close(fd);
                    int result = Direct.openat(parent, path(name), flags | O_NOFOLLOW, 0);
                    return result < 0 ? -1 : result;
                }
                if (type != S_IFDIR) {
                    Direct.close(fd);
                    return -1; // ENOTDIR
                }
                opened.addFirst(fd);
            }
            // the path names base or a directory already open ("", ".", "a/..")
            int result = Direct.openat(opened.isEmpty() ? base : opened.peekFirst(), path("."), flags & ~O_NOFOLLOW, 0);
            return result < 0 ? -1 : result;
        } finally {
            opened.forEach(Direct::close);
        }
    }

    private static List<String> components(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return parts;
    }

    private static String stripSlashes(String absolute) {
        int i = 0;
        while (i < absolute.length() && absolute.charAt(i) == '/') {
            i++;
        }
        return absolute.substring(i);
    }

    /** statx(2) of {@code name} relative to {@code fd} ({@code ""} with AT_EMPTY_PATH: {@code fd} itself), or null. */
    private static Statx statx(int fd, String name, int flags, int mask) {
        byte[] buffer = new byte[Statx.SIZE];
        return Direct.statx(fd, path(name), flags, mask, buffer) == 0 ? Statx.decode(buffer) : null;
    }

    /** readlinkat(2), growing the buffer for long targets; null when it fails (not a link, gone). */
    private static String readLinkAt(int fd, String name) {
        for (int size = 256; size <= 64 * 1024; size *= 16) {
            byte[] buffer = new byte[size];
            long n = Direct.readlinkat(fd, path(name), buffer, size);
            if (n < 0) {
                return null;
            }
            if (n < size) {
                return new String(buffer, 0, (int) n, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static boolean probeOpenat2() {
        long fd = Direct.syscall(LinuxLibC.SYS_openat2, AT_FDCWD, path("/"),
                new long[] {O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS}, OPEN_HOW_SIZE);
        if (fd >= 0) {
            Direct.close((int) fd);
            return true;
        }
        // ENOSYS before Linux 5.6; EPERM where a seccomp filter predates it
        LOG.log(System.Logger.Level.INFO, "openat2(2) is not available (" + LinuxLibC.describe(Native.getLastError())
                + "): host paths are resolved component by component");
        return false;
    }

    /**
     * The root's {@code O_PATH} descriptor and a count of the calls using it: {@link #run()} (close) marks it
     * closed, and whichever of close and the last running call comes second closes the descriptor, exactly once.
     * Holds no reference to its HostRoot, so that the cleaner can run it once the HostRoot is unreachable.
     */
    private static final class RootDescriptor implements Runnable {
        private static final int CLOSED = 1 << 30;
        private final int fd;
        private final String root;
        /** Calls using the descriptor, plus CLOSED once closed. */
        private final AtomicInteger state = new AtomicInteger();

        RootDescriptor(int fd, String root) {
            this.fd = fd;
            this.root = root;
        }

        int acquire() {
            for (;;) {
                int s = state.get();
                if ((s & CLOSED) != 0) {
                    throw new IllegalStateException("the host root " + root + " is closed");
                }
                if (state.compareAndSet(s, s + 1)) {
                    return fd;
                }
            }
        }

        void release() {
            if (state.decrementAndGet() == CLOSED) {
                Direct.close(fd);
            }
        }

        @Override
        public void run() {
            for (;;) {
                int s = state.get();
                if ((s & CLOSED) != 0) {
                    return;
                }
                if (state.compareAndSet(s, s | CLOSED)) {
                    if (s == 0) {
                        Direct.close(fd);
                    }
                    return;
                }
            }
        }
    }
}
