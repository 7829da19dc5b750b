package dev.hostquery.api;

/**
 * The principal running the query may not read what the table was asked for: a path outside the paths its roles
 * allow ({@link QueryContext#checkPath}). The engine answers it as {@code forbidden} (403, PERMISSION_DENIED)
 * with this message, which names the role that would allow the read.
 */
public class PermissionDeniedException extends RuntimeException {
    public PermissionDeniedException(String message) {
        super(message);
    }
}
