package dev.hostquery.events.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStoreTest {
    static final EventStore.Retention KEEP = new EventStore.Retention(Duration.ofHours(1), 1_000_000);

    @TempDir
    Path dir;

    static List<Object[]> rows(int from, int count) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            rows.add(new Object[] {(long) i, "path/" + i, i % 2 == 0 ? null : 1.5, new byte[] {(byte) i}});
        }
        return rows;
    }

    static List<StoredEvent> all(EventStore store, String table, long after) {
        List<StoredEvent> events = new ArrayList<>();
        store.scanAfterEid(table, after, events::add);
        return events;
    }

    @Test
    void appendsAndReadsBackInOrder() {
        try (EventStore store = EventStore.open(dir, List.of("a", "b"), KEEP, Duration.ofHours(1))) {
            assertThat(store.append("a", rows(1, 1000))).isEqualTo(1000);
            assertThat(store.append("b", rows(1, 3))).isEqualTo(3);
            List<StoredEvent> events = all(store, "a", 0);
            assertThat(events).hasSize(1000);
            assertThat(events).extracting(StoredEvent::eid).isSorted().startsWith(1L, 2L).endsWith(1000L);
            assertThat(events.get(4).values()).containsExactly(5L, "path/5", 1.5, new byte[] {5});
            assertThat(events.get(3).values()[2]).isNull();
            assertThat(all(store, "a", 700)).extracting(StoredEvent::eid).startsWith(701L).hasSize(300);
            assertThat(all(store, "a", 999)).extracting(StoredEvent::eid).containsExactly(1000L);
            assertThat(all(store, "a", 1000)).isEmpty();
            assertThat(store.stats("a")).isEqualTo(new EventStore.TableStats("a", 1, 1000, 1000, 1000, 0));
            assertThatThrownBy(() -> store.append("nope", rows(1, 1))).hasMessageContaining("no table 'nope'");
        }
    }

    @Test
    void seeksByTime() throws Exception {
        try (EventStore store = EventStore.open(dir, List.of("a"), KEEP, Duration.ofHours(1))) {
            store.append("a", rows(1, 10));
            Thread.sleep(20);
            long middle = System.currentTimeMillis() * 1000;
            Thread.sleep(20);
            store.append("a", rows(11, 10));
            List<StoredEvent> later = new ArrayList<>();
            store.scanFromTime("a", middle, later::add);
            assertThat(later).extracting(StoredEvent::eid).containsExactly(11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
            assertThat(later).allSatisfy(e -> assertThat(e.timeMicros()).isGreaterThanOrEqualTo(middle));
        }
    }

    @Test
    void expiresByCountAndByAge() throws Exception {
        try (EventStore store = EventStore.open(dir, List.of("a"), new EventStore.Retention(Duration.ofMillis(300), 500),
                Duration.ofHours(1))) {
            store.append("a", rows(1, 2_000));
            assertThat(store.expire()).isEqualTo(1_500);
            assertThat(store.stats("a")).isEqualTo(new EventStore.TableStats("a", 1_501, 2_000, 500, 2_000, 1_500));
            assertThat(all(store, "a", 0)).extracting(StoredEvent::eid).startsWith(1_501L).hasSize(500);
            assertThat(all(store, "a", 1_000)).extracting(StoredEvent::eid).startsWith(1_501L);
            Thread.sleep(400);
            store.append("a", rows(1, 5));
            assertThat(store.expire()).isEqualTo(500);
            assertThat(all(store, "a", 0)).extracting(StoredEvent::eid).containsExactly(2_001L, 2_002L, 2_003L, 2_004L, 2_005L);
            Thread.sleep(400);
            assertThat(store.expire()).isEqualTo(5);
            assertThat(store.stats("a").count()).isZero();
            assertThat(all(store, "a", 0)).isEmpty();
            assertThat(store.append("a", rows(1, 1))).as("ids go on after everything expired").isEqualTo(2_006);
        }
    }

    @Test
    void rebuildsItsIndexesWhenReopened() {
        try (EventStore store = EventStore.open(dir, List.of("a"), KEEP, Duration.ofHours(1))) {
            store.append("a", rows(1, 1_234));
        }
        try (EventStore store = EventStore.open(dir, List.of("a", "c"), KEEP, Duration.ofHours(1))) {
            assertThat(store.stats("a").lastEid()).isEqualTo(1_234);
            assertThat(store.stats("a").count()).isEqualTo(1_234);
            assertThat(all(store, "a", 1_000)).hasSize(234);
            assertThat(store.append("a", rows(1, 1))).isEqualTo(1_235);
            assertThat(store.stats("c").count()).isZero();
        }
    }

    @Test
    void wakesWaitersOnAppend() throws Exception {
        try (EventStore store = EventStore.open(dir, List.of("a"), KEEP, Duration.ofHours(1))) {
            CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    return store.awaitAfter("a", 0, Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(100);
            assertThat(waiter).isNotDone();
            store.append("a", rows(1, 2));
            assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(store.awaitAfter("a", 2, Duration.ofMillis(50))).isEqualTo(2);
        }
    }

    @Test
    void refusesASecondOpenOfTheSameDirectory() {
        try (EventStore store = EventStore.open(dir, List.of("a"), KEEP, Duration.ofHours(1))) {
            assertThatThrownBy(() -> EventStore.open(dir, List.of("a"), KEEP, Duration.ofHours(1)))
                    .isInstanceOf(EventStoreException.class).hasMessageContaining("cannot open the event store at " + dir);
            store.close();
            store.close();
            assertThatThrownBy(() -> store.append("a", rows(1, 1))).hasMessageContaining("closed");
        }
    }
}
