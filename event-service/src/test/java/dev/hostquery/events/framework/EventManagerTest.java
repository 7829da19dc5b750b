package dev.hostquery.events.framework;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.Constraint;
import dev.hostquery.api.Operator;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import dev.hostquery.events.store.EventStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventManagerTest {
    static final TableSpec TICKS = TableSpec.builder("tick_events").description("Test events.").evented()
            .column("n", ColumnType.BIGINT, "number").column("time", ColumnType.BIGINT, "time")
            .column("eid", ColumnType.TEXT, "id", ColumnFlag.HIDDEN).build();

    @TempDir
    Path dir;

    /** A publisher fed by the test through a queue: the same lifecycle as a real source. */
    static class QueuePublisher extends EventPublisher<Long> {
        final BlockingQueue<Long> queue = new LinkedBlockingQueue<>();
        volatile boolean closedSource;

        QueuePublisher(String name) {
            super(name);
        }

        @Override
        protected void open() {
        }

        @Override
        protected void poll() throws InterruptedException {
            Long first = queue.poll(50, TimeUnit.MILLISECONDS);
            if (first != null) {
                List<Long> batch = new ArrayList<>(List.of(first));
                queue.drainTo(batch);
                publish(batch);
            }
        }

        @Override
        protected void closeSource() {
            closedSource = true;
        }
    }

    static final class TickSubscriber extends EventSubscriber<Long> {
        TickSubscriber(EventStore store) {
            super("tick_events", TICKS, store);
        }

        @Override
        protected Object[] toRow(Long n) {
            return n < 0 ? null : new Object[] {n, null, null};
        }
    }

    static List<Object[]> rows(Table table, Constraint... constraints) throws Exception {
        List<Object[]> rows = new ArrayList<>();
        table.generate(new QueryContext(table.spec(), List.of(constraints), null), rows::add);
        return rows;
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as("condition within 10 s").isTrue();
    }

    @Test
    void aSubscriberRegisteredTwiceGetsEveryEventOnce() throws Exception {
        try (EventStore store = EventStore.open(dir, List.of("tick_events"), new EventStore.Retention(Duration.ofHours(1), 1000),
                Duration.ofHours(1)); EventManager manager = new EventManager(store)) {
            QueuePublisher publisher = new QueuePublisher("ticks");
            TickSubscriber subscriber = new TickSubscriber(store);
            manager.add(publisher, subscriber, subscriber, new TickSubscriber(store));
            assertThat(manager.start()).isEmpty();
            publisher.queue.addAll(List.of(1L, 2L, -1L, 3L));
            await(() -> store.stats("tick_events").lastEid() == 3);
            Table table = manager.tables().stream().filter(t -> t.spec().name().equals("tick_events")).findFirst().orElseThrow();
            List<Object[]> rows = rows(table);
            assertThat(rows).extracting(r -> r[0]).containsExactly(1L, 2L, 3L);
            assertThat(rows).extracting(r -> r[2]).containsExactly("000000000001", "000000000002", "000000000003");
            assertThat((Long) rows.getFirst()[1]).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
            assertThat(rows(table, Constraint.of("eid", Operator.GT, "000000000001"))).extracting(r -> r[0]).containsExactly(2L, 3L);
            assertThat(rows(table, Constraint.of("eid", Operator.EQ, "2"))).extracting(r -> r[0]).containsExactly(2L);
            assertThat(rows(table, Constraint.of("time", Operator.GT, System.currentTimeMillis() / 1000 + 100))).isEmpty();
            Table introspection = manager.tables().stream().filter(t -> t.spec().name().equals("hostquery_events")).findFirst().orElseThrow();
            List<Object[]> pipeline = rows(introspection);
            assertThat(pipeline).hasSize(2);
            assertThat(pipeline.get(0)).startsWith("ticks", "publisher", "ticks", null, "RUNNING", 1L, 4L);
            assertThat(pipeline.get(1)).startsWith("tick_events", "subscriber", "ticks", "tick_events", "RUNNING", 1L, 3L);
        }
    }

    @Test
    void replacingAPublisherStopsTheOldOneFirst() throws Exception {
        try (EventStore store = EventStore.open(dir, List.of("tick_events"), new EventStore.Retention(Duration.ofHours(1), 1000),
                Duration.ofHours(1)); EventManager manager = new EventManager(store)) {
            QueuePublisher first = new QueuePublisher("ticks");
            manager.add(first, new TickSubscriber(store));
            manager.start();
            QueuePublisher second = new QueuePublisher("ticks");
            manager.add(second, new TickSubscriber(store));
            assertThat(first.state()).isEqualTo(EventPublisher.State.STOPPED);
            assertThat(first.closedSource).isTrue();
            assertThat(second.state()).isEqualTo(EventPublisher.State.NEW);
            manager.start();
            assertThat(manager.publishers()).containsExactly(second);
            assertThat(second.state()).isEqualTo(EventPublisher.State.RUNNING);
        }
    }

    @Test
    void aPublisherThatCannotStartIsReportedNotFatal() throws Exception {
        try (EventStore store = EventStore.open(dir, List.of("tick_events"), new EventStore.Retention(Duration.ofHours(1), 1000),
                Duration.ofHours(1)); EventManager manager = new EventManager(store)) {
            EventPublisher<Long> broken = new QueuePublisher("broken") {
                @Override
                protected void open() {
                    throw new IllegalStateException("no privileges");
                }
            };
            manager.add(broken, new TickSubscriber(store));
            assertThat(manager.start()).containsExactly("broken: no privileges");
            assertThat(broken.state()).isEqualTo(EventPublisher.State.FAILED);
        }
    }
}
