package dev.hostquery.linux.jna;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.platform.linux.LibC;

/**
 * The C library calls hostquery needs beyond jna-platform's {@link LibC}: inotify(7), poll(2), the socket
 * calls for netlink(7), and (direct-mapped, in {@link Direct}) the descriptor-relative file calls {@code HostRoot}
 * resolves paths with: openat2(2), openat(2), statx(2) (Linux 4.11, glibc 2.28), getdents64(2), readlinkat(2).
 * Errors come back as -1 with errno in {@link Native#getLastError()}; {@link #describe} turns errno into text.
 *
 * <p>Paths are passed as NUL-terminated UTF-8 bytes ({@link #path}), not as {@code String}: JNA would encode a
 * {@code String} in the locale's charset, which is ASCII in a container without {@code LANG}.
 */
public interface LinuxLibC extends LibC {
    LinuxLibC INSTANCE = Native.load("c", LinuxLibC.class);

    /** True where the open(2) flag values are arm's and powerpc's rather than the generic ones (x86, riscv). */
    boolean ARM_OPEN_FLAGS = Platform.isARM() || Platform.isPPC();

    // <fcntl.h>, <asm-generic/fcntl.h> and <asm/fcntl.h>: open(2) flags
    int O_RDONLY = 00;
    int O_NOCTTY = 0400;
    int O_NONBLOCK = 04000;
    int O_DIRECTORY = ARM_OPEN_FLAGS ? 040000 : 0200000;
    int O_NOFOLLOW = ARM_OPEN_FLAGS ? 0100000 : 0400000;
    int O_CLOEXEC = 02000000;
    int O_PATH = 010000000;

    // <fcntl.h>: the *at(2) calls
    int AT_FDCWD = -100;
    int AT_SYMLINK_NOFOLLOW = 0x100;
    int AT_NO_AUTOMOUNT = 0x800;
    int AT_EMPTY_PATH = 0x1000;

    // <linux/openat2.h>: open_how.resolve (openat2(2))
    long RESOLVE_NO_XDEV = 0x01;
    long RESOLVE_NO_MAGICLINKS = 0x02;
    long RESOLVE_NO_SYMLINKS = 0x04;
    long RESOLVE_BENEATH = 0x08;
    long RESOLVE_IN_ROOT = 0x10;

    /** openat2(2)'s number in the unified system call table: the same on x86_64, aarch64 and the other ABIs. */
    long SYS_openat2 = 437;

    /**
     * getdents64(2)'s number, which differs by ABI: 217 on x86_64 and 32-bit arm, 61 on aarch64, riscv64 and
     * loongarch64 ({@code <asm-generic/unistd.h>}), 220 on i386 and s390x, 202 on powerpc; -1 elsewhere. Called through
     * syscall(2) because glibc's wrapper is recent (2.30): RHEL 8's glibc 2.28, on a kernel that also lacks
     * openat2, does not have it.
     */
    long SYS_getdents64 = switch (Platform.ARCH) {
        case "x86-64", "arm" -> 217;
        case "aarch64", "riscv64", "loongarch64" -> 61;
        case "x86", "s390x" -> 220;
        case "ppc", "ppc64", "ppc64le" -> 202;
        default -> -1;
    };

    // <linux/stat.h>: statx(2) mask bits
    int STATX_TYPE = 0x001;
    int STATX_MODE = 0x002;
    int STATX_NLINK = 0x004;
    int STATX_UID = 0x008;
    int STATX_GID = 0x010;
    int STATX_ATIME = 0x020;
    int STATX_MTIME = 0x040;
    int STATX_CTIME = 0x080;
    int STATX_INO = 0x100;
    int STATX_SIZE = 0x200;
    int STATX_BASIC_STATS = 0x7ff;
    int STATX_BTIME = 0x800;

    // <sys/stat.h>: st_mode file types (inode(7))
    int S_IFMT = 0170000;
    int S_IFSOCK = 0140000;
    int S_IFLNK = 0120000;
    int S_IFREG = 0100000;
    int S_IFBLK = 0060000;
    int S_IFDIR = 0040000;
    int S_IFCHR = 0020000;
    int S_IFIFO = 0010000;

    // <dirent.h>: d_type of linux_dirent64 (getdents64(2))
    byte DT_UNKNOWN = 0;
    byte DT_FIFO = 1;
    byte DT_CHR = 2;
    byte DT_DIR = 4;
    byte DT_BLK = 6;
    byte DT_REG = 8;
    byte DT_LNK = 10;
    byte DT_SOCK = 12;

    // <sys/inotify.h>
    int IN_NONBLOCK = 04000;
    int IN_CLOEXEC = 02000000;
    int IN_ACCESS = 0x00000001;
    int IN_MODIFY = 0x00000002;
    int IN_ATTRIB = 0x00000004;
    int IN_CLOSE_WRITE = 0x00000008;
    int IN_MOVED_FROM = 0x00000040;
    int IN_MOVED_TO = 0x00000080;
    int IN_CREATE = 0x00000100;
    int IN_DELETE = 0x00000200;
    int IN_DELETE_SELF = 0x00000400;
    int IN_MOVE_SELF = 0x00000800;
    int IN_Q_OVERFLOW = 0x00004000;
    int IN_IGNORED = 0x00008000;
    int IN_ONLYDIR = 0x01000000;
    int IN_DONT_FOLLOW = 0x02000000;
    int IN_ISDIR = 0x40000000;

    // <poll.h>
    short POLLIN = 0x001;

    // <sys/socket.h>, <linux/netlink.h>
    int AF_NETLINK = 16;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 02000000;
    int SOL_SOCKET = 1;
    int SO_RCVBUF = 8;
    int SO_RCVBUFFORCE = 33;
    int NETLINK_CONNECTOR = 11;
    int MSG_DONTWAIT = 0x40;

    /** errno values used in messages and decisions. */
    int EINTR = 4;
    int EAGAIN = 11;
    int EACCES = 13;
    int ENOENT = 2;
    int ENOSPC = 28;
    int ENOBUFS = 105;
    int EPERM = 1;
    int ENXIO = 6;
    int E2BIG = 7;
    int EXDEV = 18;
    int ENOTDIR = 20;
    int EINVAL = 22;
    int EMFILE = 24;
    int ENAMETOOLONG = 36;
    int ENOSYS = 38;
    int ELOOP = 40;

    /** inotify_init1(2): a new inotify instance, or -1. */
    int inotify_init1(int flags);

    /** inotify_add_watch(2): a watch descriptor, or -1 (ENOSPC: max_user_watches reached). */
    int inotify_add_watch(int fd, String path, int mask);

    /** inotify_rm_watch(2). */
    int inotify_rm_watch(int fd, int wd);

    /** read(2) into a Java array; returns bytes read, or -1 (EAGAIN when nothing is ready on a non-blocking fd). */
    long read(int fd, byte[] buffer, long count);

    /** poll(2) on one descriptor: returns 1 when ready, 0 on timeout, -1 on error. */
    int poll(PollFd fds, int nfds, int timeoutMillis);

    /** socket(2). */
    int socket(int domain, int type, int protocol);

    /** bind(2) with a raw sockaddr. */
    int bind(int fd, byte[] address, int length);

    /** setsockopt(2) with an int value. */
    int setsockopt(int fd, int level, int option, int[] value, int length);

    /** send(2). */
    long send(int fd, byte[] buffer, long length, int flags);

    /** recv(2). */
    long recv(int fd, byte[] buffer, long length, int flags);

    /** NUL-terminated UTF-8 bytes of a path for the calls of {@link Direct}. */
    static byte[] path(String path) {
        byte[] utf8 = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(utf8, utf8.length + 1);
    }

    /** strerror(3): the text of an errno value. */
    String strerror(int errno);

    /** "errno N (text)" for messages. */
    static String describe(int errno) {
        return INSTANCE.strerror(errno) + " (errno " + errno + ")";
    }

    /** struct pollfd. */
    @Structure.FieldOrder({"fd", "events", "revents"})
    final class PollFd extends Structure {
        public int fd;
        public short events;
        public short revents;

        public PollFd() {
        }

        public PollFd(int fd, short events) {
            this.fd = fd;
            this.events = events;
        }
    }

    /**
     * The descriptor-relative file calls {@code HostRoot} resolves and reads host paths with, direct-mapped
     * ({@link Native#register}): HostRoot makes four or five of them per file it reads, and measured here a
     * direct call costs 0.3–0.4 µs against 1–2.5 µs through the interface proxy (which made reading every
     * /proc/&lt;pid&gt;/stat some 40% slower than the JDK's own reads). Errors come back as -1 with errno in
     * {@link Native#getLastError()}.
     */
    final class Direct {
        static {
            Native.register(Direct.class, "c");
        }

        private Direct() {
        }

        /**
         * openat2(2) through syscall(2) (glibc has no wrapper): opens {@code path} relative to {@code dirfd}.
         * {@code how} is {@code struct open_how} ({@code <linux/openat2.h>}): three {@code __u64}, {flags, mode,
         * resolve}, passed as a {@code long[3]} of the same layout rather than a Structure, which JNA would write
         * and read back reflectively on every call; {@code size} is 24, its size in the first version (Linux 5.6).
         * Returns a descriptor, or -1 with errno: ENOSYS before Linux 5.6; ELOOP for a symbolic link refused by
         * {@code O_NOFOLLOW}, {@code RESOLVE_NO_SYMLINKS} or {@code RESOLVE_NO_MAGICLINKS}; EXDEV for a path
         * leaving {@code dirfd} under {@code RESOLVE_BENEATH}; EAGAIN when a concurrent rename left
         * {@code RESOLVE_IN_ROOT} unsure that {@code ..} stayed inside (the man page says the caller may retry).
         */
        public static native long syscall(long number, int dirfd, byte[] path, long[] how, long size);

        /** openat(2) with no mode (nothing is created): a descriptor, or -1 with errno. */
        public static native int openat(int dirfd, byte[] path, int flags, int mode);

        /**
         * statx(2) into a {@link Statx#SIZE}-byte buffer laid out as {@code struct statx} (decode with
         * {@link Statx#decode}). With {@code AT_EMPTY_PATH} and an empty path it describes {@code dirfd} itself,
         * an {@code O_PATH} descriptor included. Returns 0, or -1 with errno.
         */
        public static native int statx(int dirfd, byte[] path, int flags, int mask, byte[] statxbuf);

        /** read(2) into a Java array from its start: the bytes read, 0 at the end of the file, or -1 with errno. */
        public static native long read(int fd, byte[] buffer, long count);

        /**
         * getdents64(2) through syscall(2), with {@code number = SYS_getdents64}: fills {@code buffer} with
         * {@code struct linux_dirent64} records and returns the bytes written, 0 at the end of the directory, or -1
         * with errno (EACCES, as for /proc/1/map_files without CAP_CHECKPOINT_RESTORE; ENOENT for the directory of
         * a process that has exited).
         */
        public static native long syscall(long number, int fd, Pointer buffer, long count);

        /**
         * readlinkat(2): the target of a symbolic link, not NUL-terminated; returns its length (equal to
         * {@code size} when it may be cut) or -1 with errno. With an empty path it reads the link {@code dirfd}
         * refers to (opened with {@code O_PATH | O_NOFOLLOW}).
         */
        public static native long readlinkat(int dirfd, byte[] path, byte[] buffer, long size);

        /** fstatvfs(3) (fstatfs(2) underneath, which accepts {@code O_PATH} descriptors since Linux 3.12): 0 or -1. */
        public static native int fstatvfs(int fd, Statvfs buffer);

        /** close(2): 0, or -1 with errno. */
        public static native int close(int fd);
    }

    /**
     * The fields of {@code struct statx} ({@code <linux/stat.h>}) that hostquery reads, decoded from the raw
     * 256-byte buffer statx(2) fills. The layout is the same on every architecture; it is decoded by offset
     * rather than mapped as a JNA {@link Structure} because it is read once per file opened, and a Structure's
     * reflective read of some 30 fields costs more than the system call.
     *
     * @param mask  STATX_* bits of the fields the file system filled (stx_mask)
     * @param mode  file type and permission bits (stx_mode)
     * @param btime birth time in seconds, meaningful only when {@code mask} has STATX_BTIME
     * @param devMajor major and minor number of the device holding the file (stx_dev_major, stx_dev_minor)
     */
    record Statx(int mask, int blockSize, long links, long uid, long gid, int mode, long inode, long size, long atime,
            long btime, long ctime, long mtime, long devMajor, long devMinor) {
        /** The buffer size statx(2) is given: sizeof(struct statx). */
        public static final int SIZE = 256;

        /** Decodes a buffer statx(2) filled (native byte order). */
        public static Statx decode(byte[] buffer) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buffer).order(java.nio.ByteOrder.nativeOrder());
            return new Statx(b.getInt(0), b.getInt(4), Integer.toUnsignedLong(b.getInt(16)), Integer.toUnsignedLong(b.getInt(20)),
                    Integer.toUnsignedLong(b.getInt(24)), Short.toUnsignedInt(b.getShort(28)), b.getLong(32), b.getLong(40),
                    b.getLong(64), b.getLong(80), b.getLong(96), b.getLong(112), Integer.toUnsignedLong(b.getInt(136)),
                    Integer.toUnsignedLong(b.getInt(140)));
        }

        /** The file type bits of {@code mode} (S_IFREG, S_IFDIR, ...). */
        public int type() {
            return mode & S_IFMT;
        }

        /** st_dev as stat(2) reports it: glibc's makedev(3) encoding of the major and minor numbers. */
        public long device() {
            return ((devMajor & 0xfffff000L) << 32) | ((devMajor & 0xfffL) << 8) | ((devMinor & 0xffffff00L) << 12)
                    | (devMinor & 0xffL);
        }
    }
}
