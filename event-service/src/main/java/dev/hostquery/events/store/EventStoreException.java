package dev.hostquery.events.store;

/** The event store failed; the message names the table and the store's path. */
public class EventStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EventStoreException(String message) {
        super(message);
    }

    public EventStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
