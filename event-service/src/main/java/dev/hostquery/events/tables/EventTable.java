package dev.hostquery.events.tables;

import static java.util.Objects.requireNonNull;

import dev.hostquery.api.ColumnType;
import dev.hostquery.api.Constraint;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import dev.hostquery.events.store.EventStore;
import dev.hostquery.events.store.StoredEvent;

/**
 * An evented table ({@code *_events}) read from the event store. Constraints on {@code time} (seconds since the
 * epoch) and on the hidden {@code eid} are pushed down: the lower bound is one seek, the upper bound stops the
 * scan. {@code eid} is the event's id in its table as zero-padded decimal text, so text order is id order.
 */
public final class EventTable implements Table {
    private final TableSpec spec;
    private final EventStore store;
    private final int time;
    private final int eid;

    /**
     * @throws IllegalArgumentException when the spec is not evented, or lacks a BIGINT time or a TEXT eid column
     */
    public EventTable(TableSpec spec, EventStore store) {
        this.spec = requireNonNull(spec, "spec is null");
        this.store = requireNonNull(store, "store is null");
        this.time = spec.indexOf("time");
        this.eid = spec.indexOf("eid");
        if (!spec.evented() || eid < 0 || spec.columns().get(eid).type() != ColumnType.TEXT) {
            throw new IllegalArgumentException("table '" + spec.name() + "' is not an evented table with a TEXT eid column");
        }
    }

    /** The eid text of an event id: 12 digits, zero-padded. */
    public static String eidText(long eid) {
        return String.format("%012d", eid);
    }

    /** The id in an eid constraint value, or -1 when it is not a number. */
    static long eidValue(Object value) {
        if (value instanceof Long l) {
            return l;
        }
        try {
            return value == null ? -1 : Long.parseLong(value.toString().strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public TableSpec spec() {
        return spec;
    }

    @Override
    public void generate(QueryContext context, RowSink sink) {
        long afterEid = 0;
        long untilEid = Long.MAX_VALUE;
        long fromSeconds = Long.MIN_VALUE;
        long untilSeconds = Long.MAX_VALUE;
        for (Constraint c : context.constraints()) {
            boolean isEid = c.column().equals("eid");
            if (!isEid && !c.column().equals("time")) {
                continue;
            }
            long v = isEid ? eidValue(c.value()) : c.value() instanceof Long l ? l : Long.MIN_VALUE;
            if (v == Long.MIN_VALUE || (isEid && v < 0)) {
                continue; // a text time or a non-numeric eid: let SQLite filter
            }
            switch (c.operator()) {
                case EQ -> {
                    if (isEid) {
                        afterEid = Math.max(afterEid, v - 1);
                        untilEid = Math.min(untilEid, v);
                    } else {
                        fromSeconds = Math.max(fromSeconds, v);
                        untilSeconds = Math.min(untilSeconds, v);
                    }
                }
                case GT, GE -> {
                    long lower = c.operator() == dev.hostquery.api.Operator.GT ? v + 1 : v;
                    if (isEid) {
                        afterEid = Math.max(afterEid, lower - 1);
                    } else {
                        fromSeconds = Math.max(fromSeconds, lower);
                    }
                }
                case LT, LE -> {
                    long upper = c.operator() == dev.hostquery.api.Operator.LT ? v - 1 : v;
                    if (isEid) {
                        untilEid = Math.min(untilEid, upper);
                    } else {
                        untilSeconds = Math.min(untilSeconds, upper);
                    }
                }
                default -> {
                }
            }
        }
        long lastEid = untilEid;
        long lastSecond = untilSeconds;
        java.util.function.Predicate<StoredEvent> emit = event -> {
            if (event.eid() > lastEid || event.timeMicros() / 1_000_000 > lastSecond) {
                return false;
            }
            Object[] row = new Object[spec.columns().size()];
            System.arraycopy(event.values(), 0, row, 0, Math.min(row.length, event.values().length));
            if (time >= 0) {
                row[time] = event.timeMicros() / 1_000_000;
            }
            row[eid] = eidText(event.eid());
            return sink.accept(row);
        };
        if (fromSeconds != Long.MIN_VALUE && afterEid == 0) {
            store.scanFromTime(spec.name(), Math.max(0, fromSeconds) * 1_000_000, emit);
        } else {
            long after = afterEid;
            long from = fromSeconds;
            store.scanAfterEid(spec.name(), after, from == Long.MIN_VALUE ? emit
                    : e -> e.timeMicros() / 1_000_000 < from || emit.test(e));
        }
    }
}
