package dev.hostquery.events.framework;

import dev.hostquery.api.TableSpec;
import dev.hostquery.events.store.EventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a publisher's raw events into rows of one evented table and appends them to the store, one batch per
 * publisher batch. The row has a value per column of the table; {@code time} and {@code eid} are left null and
 * filled from the store's key when read.
 *
 * @param <E> the publisher's raw event type
 */
public abstract class EventSubscriber<E> {
    private final String name;
    private final TableSpec table;
    private final EventStore store;
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile String lastError;

    protected EventSubscriber(String name, TableSpec table, EventStore store) {
        this.name = name;
        this.table = table;
        this.store = store;
    }

    public final String name() {
        return name;
    }

    public final TableSpec table() {
        return table;
    }

    /** Rows this subscriber appended. */
    public final long stored() {
        return stored.get();
    }

    /** Batches that failed to convert or store. */
    public final long errors() {
        return errors.get();
    }

    public final String lastError() {
        return lastError;
    }

    final void handle(List<E> batch) {
        List<Object[]> rows = new ArrayList<>(batch.size());
        try {
            for (E event : batch) {
                Object[] row = toRow(event);
                if (row != null) {
                    rows.add(row);
                }
            }
            store.append(table.name(), rows);
            stored.addAndGet(rows.size());
        } catch (RuntimeException e) {
            errors.incrementAndGet();
            lastError = e.getMessage();
            System.getLogger(getClass().getName()).log(System.Logger.Level.WARNING,
                    "subscriber " + name + " could not store " + rows.size() + " events: " + e.getMessage());
        }
    }

    /** The table row for one raw event, or null when the event is not wanted (an excluded path, say). */
    protected abstract Object[] toRow(E event);
}
