package dev.hostquery.events.file;

import dev.hostquery.api.RowBuilder;
import dev.hostquery.events.framework.EventSubscriber;
import dev.hostquery.events.store.EventStore;
import dev.hostquery.events.tables.EventTableSpecs;
import dev.hostquery.linux.FileDigests;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.jna.LinuxLibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Set;

/**
 * Rows of {@code file_events} from inotify changes: the action, and the file's metadata from lstat(2) at the
 * time the event is read (NULL when the file is already gone), with digests for categories that ask for them.
 */
public final class FileEventsSubscriber extends EventSubscriber<FileChange> {
    private final HostRoot root;
    private final Set<String> hashedCategories;
    private final RowBuilder row = new RowBuilder(EventTableSpecs.FILE_EVENTS);

    public FileEventsSubscriber(EventStore store, HostRoot root, Set<String> hashedCategories) {
        super("file_events", EventTableSpecs.FILE_EVENTS, store);
        this.root = root;
        this.hashedCategories = Set.copyOf(hashedCategories);
    }

    /** osquery's action name for an inotify mask. */
    static String action(int mask) {
        if ((mask & LinuxLibC.IN_CREATE) != 0) {
            return "CREATED";
        }
        if ((mask & LinuxLibC.IN_DELETE) != 0) {
            return "DELETED";
        }
        if ((mask & LinuxLibC.IN_MOVED_FROM) != 0) {
            return "MOVED_FROM";
        }
        if ((mask & LinuxLibC.IN_MOVED_TO) != 0) {
            return "MOVED_TO";
        }
        if ((mask & (LinuxLibC.IN_MODIFY | LinuxLibC.IN_CLOSE_WRITE)) != 0) {
            return "UPDATED";
        }
        if ((mask & LinuxLibC.IN_ATTRIB) != 0) {
            return "ATTRIBUTES_MODIFIED";
        }
        return "UNKNOWN";
    }

    @Override
    protected synchronized Object[] toRow(FileChange change) {
        String action = action(change.mask());
        row.set("target_path", change.path()).set("category", change.category()).set("action", action)
                .set("transaction_id", Integer.toUnsignedLong(change.cookie()));
        Path file = root.resolve(change.path());
        Map<String, Object> a = null;
        if (!action.equals("DELETED") && !action.equals("MOVED_FROM")) {
            try {
                a = Files.readAttributes(file, "unix:ino,uid,gid,mode,size,lastAccessTime,lastModifiedTime,ctime",
                        LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | UnsupportedOperationException e) {
                a = null; // deleted since
            }
        }
        row.set("inode", a == null ? null : (Long) a.get("ino"))
                .set("uid", a == null ? null : Integer.toUnsignedLong((Integer) a.get("uid")))
                .set("gid", a == null ? null : Integer.toUnsignedLong((Integer) a.get("gid")))
                .set("mode", a == null ? null : String.format("%04o", (Integer) a.get("mode") & 07777))
                .set("size", a == null ? null : (Long) a.get("size"))
                .set("atime", a == null ? null : seconds(a.get("lastAccessTime")))
                .set("mtime", a == null ? null : seconds(a.get("lastModifiedTime")))
                .set("ctime", a == null ? null : seconds(a.get("ctime")));
        boolean hash = hashedCategories.contains(change.category()) && a != null && ((Integer) a.get("mode") & 0170000) == 0100000
                && (action.equals("CREATED") || action.equals("UPDATED") || action.equals("MOVED_TO"));
        String[] digests = hash ? FileDigests.digest(file, true, true, true) : null;
        row.set("md5", digests == null ? null : digests[0]).set("sha1", digests == null ? null : digests[1])
                .set("sha256", digests == null ? null : digests[2]).set("hashed", !hash ? 0 : digests == null ? -1 : 1);
        return row.build();
    }

    private static Long seconds(Object time) {
        return time instanceof FileTime t ? t.toMillis() / 1000 : null;
    }
}
