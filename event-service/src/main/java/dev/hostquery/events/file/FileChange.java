package dev.hostquery.events.file;

/**
 * One inotify event for a watched path.
 *
 * @param path     host path of the file or directory the event is about
 * @param category the configured category whose pattern matched
 * @param mask     inotify event mask (IN_CREATE, IN_MODIFY, …, with IN_ISDIR for directories)
 * @param cookie   inotify cookie pairing IN_MOVED_FROM and IN_MOVED_TO, else 0
 */
public record FileChange(String path, String category, int mask, int cookie) {
}
