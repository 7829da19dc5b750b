package dev.hostquery.events.file;

import dev.hostquery.api.RowBuilder;
import dev.hostquery.events.framework.EventSubscriber;
import dev.hostquery.events.store.EventStore;
import dev.hostquery.events.tables.EventTableSpecs;
import dev.hostquery.linux.FileAttributes;
import dev.hostquery.linux.FileDigests;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.jna.LinuxLibC;
import java.nio.file.Path;
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
        // null when the file is gone (deleted, moved away, or removed since the event)
        FileAttributes a = action.equals("DELETED") || action.equals("MOVED_FROM") ? null : FileAttributes.lstat(file).orElse(null);
        row.set("inode", a == null ? null : a.inode()).set("uid", a == null ? null : a.uid()).set("gid", a == null ? null : a.gid())
                .set("mode", a == null ? null : a.permissions()).set("size", a == null ? null : a.size())
                .set("atime", a == null ? null : a.atime()).set("mtime", a == null ? null : a.mtime())
                .set("ctime", a == null ? null : a.ctime());
        boolean hash = hashedCategories.contains(change.category()) && a != null && a.isRegular()
                && (action.equals("CREATED") || action.equals("UPDATED") || action.equals("MOVED_TO"));
        String[] digests = hash ? FileDigests.digest(file, true, true, true) : null;
        row.set("md5", digests == null ? null : digests[0]).set("sha1", digests == null ? null : digests[1])
                .set("sha256", digests == null ? null : digests[2]).set("hashed", !hash ? 0 : digests == null ? -1 : 1);
        return row.build();
    }
}
