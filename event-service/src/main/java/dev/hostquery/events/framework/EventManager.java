package dev.hostquery.events.framework;

import static java.util.Objects.requireNonNull;

import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import dev.hostquery.events.store.EventStore;
import dev.hostquery.events.tables.EventTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The event pipeline of one service: publishers by name, their subscribers, the store they write to, and the
 * tables that read it ({@code *_events}, plus {@code osquery_events} and {@code hostquery_events} to look inside).
 *
 * <p>Adding a publisher under a name already in use stops the old one (waiting for its reader) before the new
 * one takes its place, so a reconfiguration never leaves a stale publisher running. Closing stops every
 * publisher; the store belongs to the caller.
 */
public final class EventManager implements AutoCloseable {
    private final EventStore store;
    private final Map<String, EventPublisher<?>> publishers = new LinkedHashMap<>();
    private final Map<String, TableSpec> eventTables = new LinkedHashMap<>();

    public EventManager(EventStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    public EventStore store() {
        return store;
    }

    /** Adds (or replaces, after stopping the old one) a publisher with its subscribers. Does not start it. */
    @SafeVarargs
    public final synchronized <E> void add(EventPublisher<E> publisher, EventSubscriber<E>... subscribers) {
        EventPublisher<?> old = publishers.remove(publisher.name());
        if (old != null) {
            old.close();
        }
        for (EventSubscriber<E> s : subscribers) {
            publisher.subscribe(s);
            eventTables.putIfAbsent(s.table().name(), s.table());
        }
        publishers.put(publisher.name(), publisher);
    }

    /** Declares an evented table without a publisher (its backend is off): it is queryable and empty. */
    public synchronized void declare(TableSpec table) {
        eventTables.putIfAbsent(table.name(), table);
    }

    /**
     * Starts every publisher not started yet. A publisher that cannot start (no privileges, say) is left FAILED
     * with its reason, shown in {@code hostquery_events}; the others run.
     *
     * @return the failures, as "publisher: reason"
     */
    public synchronized List<String> start() {
        List<String> failures = new ArrayList<>();
        for (EventPublisher<?> p : publishers.values()) {
            if (p.state() == EventPublisher.State.NEW) {
                try {
                    p.start();
                } catch (IllegalStateException e) {
                    failures.add(p.name() + ": " + p.error());
                }
            }
        }
        return failures;
    }

    public synchronized List<EventPublisher<?>> publishers() {
        return List.copyOf(publishers.values());
    }

    /** The evented tables and the two introspection tables. */
    public synchronized List<Table> tables() {
        List<Table> tables = new ArrayList<>();
        for (TableSpec spec : eventTables.values()) {
            tables.add(new EventTable(spec, store));
        }
        tables.add(new OsqueryEventsTable());
        tables.add(new HostqueryEventsTable());
        return tables;
    }

    /** Stops every publisher, waiting for each reader to finish. */
    @Override
    public synchronized void close() {
        for (EventPublisher<?> p : publishers.values()) {
            p.close();
        }
    }

    static final TableSpec OSQUERY_EVENTS = TableSpec.builder("osquery_events")
            .description("Event publishers and subscribers, with osquery's columns: one row for each publisher and each subscriber.")
            .column("name", ColumnType.TEXT, "Publisher or subscriber name")
            .column("publisher", ColumnType.TEXT, "Publisher the subscriber listens to (its own name for a publisher)")
            .column("type", ColumnType.TEXT, "publisher or subscriber")
            .column("subscriptions", ColumnType.INTEGER, "Subscribers of a publisher; 1 for a subscriber")
            .column("events", ColumnType.INTEGER, "Events a publisher read, or a subscriber stored")
            .column("refreshes", ColumnType.INTEGER, "Always 0: publishers here run continuously")
            .column("active", ColumnType.INTEGER, "1 while the publisher runs")
            .example("SELECT name, events, active FROM osquery_events")
            .build();

    static final TableSpec HOSTQUERY_EVENTS = TableSpec.builder("hostquery_events")
            .description("The event pipeline in detail: each publisher and subscriber with its state, events seen and stored, "
                    + "events dropped by the source and expired from the store, and the last error.")
            .column("name", ColumnType.TEXT, "Publisher or subscriber name")
            .column("type", ColumnType.TEXT, "publisher or subscriber")
            .column("publisher", ColumnType.TEXT, "Publisher of a subscriber (its own name for a publisher)")
            .column("event_table", ColumnType.TEXT, "Table a subscriber writes; NULL for a publisher")
            .column("state", ColumnType.TEXT, "NEW, RUNNING, STOPPED or FAILED (the publisher's, for a subscriber)")
            .column("subscriptions", ColumnType.INTEGER, "Subscribers of a publisher; 1 for a subscriber")
            .column("events", ColumnType.BIGINT, "Raw events a publisher read; rows a subscriber stored")
            .column("dropped", ColumnType.BIGINT, "Events the source lost (queue overflows, buffer overruns), for a publisher")
            .column("buffered", ColumnType.BIGINT, "Events of the subscriber's table in the store now")
            .column("expired", ColumnType.BIGINT, "Events of the subscriber's table expired from the store since start")
            .column("errors", ColumnType.BIGINT, "Batches a subscriber failed to store")
            .column("last_error", ColumnType.TEXT, "Why the publisher failed, or the subscriber's last error")
            .example("SELECT name, state, events, dropped, last_error FROM hostquery_events")
            .build();

    private final class OsqueryEventsTable implements Table {
        @Override
        public TableSpec spec() {
            return OSQUERY_EVENTS;
        }

        @Override
        public boolean streams() {
            return false;
        }

        @Override
        public void generate(QueryContext context, RowSink sink) {
            RowBuilder row = new RowBuilder(OSQUERY_EVENTS);
            for (EventPublisher<?> p : publishers()) {
                boolean active = p.state() == EventPublisher.State.RUNNING;
                row.set("name", p.name()).set("publisher", p.name()).set("type", "publisher")
                        .set("subscriptions", p.subscribers().size()).set("events", p.events()).set("refreshes", 0)
                        .set("active", active ? 1 : 0).emit(sink);
                for (EventSubscriber<?> s : p.subscribers()) {
                    row.set("name", s.name()).set("publisher", p.name()).set("type", "subscriber").set("subscriptions", 1)
                            .set("events", s.stored()).set("refreshes", 0).set("active", active ? 1 : 0).emit(sink);
                }
            }
        }
    }

    private final class HostqueryEventsTable implements Table {
        @Override
        public TableSpec spec() {
            return HOSTQUERY_EVENTS;
        }

        @Override
        public boolean streams() {
            return false;
        }

        @Override
        public void generate(QueryContext context, RowSink sink) {
            RowBuilder row = new RowBuilder(HOSTQUERY_EVENTS);
            for (EventPublisher<?> p : publishers()) {
                row.set("name", p.name()).set("type", "publisher").set("publisher", p.name()).set("state", p.state().name())
                        .set("subscriptions", p.subscribers().size()).set("events", p.events()).set("dropped", p.dropped())
                        .set("last_error", p.error()).emit(sink);
                for (EventSubscriber<?> s : p.subscribers()) {
                    EventStore.TableStats stats = store.stats(s.table().name());
                    row.set("name", s.name()).set("type", "subscriber").set("publisher", p.name())
                            .set("event_table", s.table().name()).set("state", p.state().name()).set("subscriptions", 1)
                            .set("events", s.stored()).set("buffered", stats.count()).set("expired", stats.expired())
                            .set("errors", s.errors()).set("last_error", s.lastError()).emit(sink);
                }
            }
        }
    }
}
