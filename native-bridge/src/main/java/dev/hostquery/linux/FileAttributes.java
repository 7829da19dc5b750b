package dev.hostquery.linux;

import dev.hostquery.linux.jna.LinuxLibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;

/**
 * What stat(2) says of a file, in the units the tables use: ids as unsigned numbers, times in seconds since the
 * epoch. {@link HostRoot#lstat} and {@link HostRoot#stat} read it with statx(2), resolving the path inside the host
 * root; {@link #lstat(Path)} and {@link #stat(Path)} through the JDK's "unix" attribute view, for a path of this
 * process's own file system.
 *
 * @param btime birth time where the file system records one (statx(2)), else null
 */
public record FileAttributes(long inode, long device, long uid, long gid, int mode, long size, long links, Long atime,
        Long mtime, Long ctime, Long btime) {

    /** lstat(2): a symbolic link is described itself. Empty when the file does not exist or cannot be read. */
    public static Optional<FileAttributes> lstat(Path file) {
        return read(file, LinkOption.NOFOLLOW_LINKS);
    }

    /** stat(2): a symbolic link is followed. Empty when the file does not exist or cannot be read. */
    public static Optional<FileAttributes> stat(Path file) {
        return read(file);
    }

    private static Optional<FileAttributes> read(Path file, LinkOption... options) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(file, "unix:*", options);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
        Object modified = a.get("lastModifiedTime");
        // the JDK falls back to the modification time (or 0) where there is no birth time: that is not one
        Object created = a.get("creationTime");
        Long btime = created instanceof FileTime c && !c.equals(modified) && c.toMillis() > 0 ? c.toMillis() / 1000 : null;
        return Optional.of(new FileAttributes((Long) a.get("ino"), (Long) a.get("dev"), Integer.toUnsignedLong((Integer) a.get("uid")),
                Integer.toUnsignedLong((Integer) a.get("gid")), (Integer) a.get("mode"), (Long) a.get("size"),
                (Integer) a.get("nlink"), seconds(a.get("lastAccessTime")), seconds(modified), seconds(a.get("ctime")), btime));
    }

    /** From statx(2) fields (see {@link HostRoot#lstat}); the birth time only where the file system filled it. */
    static FileAttributes of(LinuxLibC.Statx s) {
        Long btime = (s.mask() & LinuxLibC.STATX_BTIME) != 0 && s.btime() > 0 ? s.btime() : null;
        return new FileAttributes(s.inode(), s.device(), s.uid(), s.gid(), s.mode(), s.size(), s.links(), s.atime(),
                s.mtime(), s.ctime(), btime);
    }

    private static Long seconds(Object time) {
        return time instanceof FileTime t ? t.toMillis() / 1000 : null;
    }

    /** Permission bits in octal, as osquery prints them: {@code 0644}, {@code 4755}. */
    public String permissions() {
        return String.format("%04o", mode & 07777);
    }

    /** The file type of st_mode (inode(7)): regular, directory, symlink, block, character, fifo, socket or unknown. */
    public String type() {
        return typeName(mode);
    }

    /** The file type name of an st_mode, as {@link #type()}. */
    public static String typeName(int mode) {
        return switch (mode & 0170000) {
            case 0100000 -> "regular";
            case 0040000 -> "directory";
            case 0120000 -> "symlink";
            case 0060000 -> "block";
            case 0020000 -> "character";
            case 0010000 -> "fifo";
            case 0140000 -> "socket";
            default -> "unknown";
        };
    }

    public boolean isRegular() {
        return (mode & 0170000) == 0100000;
    }
}
