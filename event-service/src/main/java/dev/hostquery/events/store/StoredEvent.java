package dev.hostquery.events.store;

/**
 * An event as the store returns it.
 *
 * @param eid        the event's sequence number in its table, from 1, dense and increasing
 * @param timeMicros when it was stored, microseconds since the epoch; never decreases within a table
 * @param values     the row as it was appended
 */
public record StoredEvent(long eid, long timeMicros, Object[] values) {
}
