package dev.hostquery.events.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hostquery.api.QueryContext;
import dev.hostquery.events.framework.EventManager;
import dev.hostquery.events.store.EventStore;
import dev.hostquery.events.tables.EventTable;
import dev.hostquery.events.tables.EventTableSpecs;
import dev.hostquery.linux.HostRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real inotify on a temporary directory. */
class InotifyPublisherTest {
    @TempDir
    Path dir;
    @TempDir
    Path storeDir;

    static List<String> events(EventStore store) throws Exception {
        EventTable table = new EventTable(EventTableSpecs.FILE_EVENTS, store);
        List<String> events = new ArrayList<>();
        int path = EventTableSpecs.FILE_EVENTS.indexOf("target_path");
        int action = EventTableSpecs.FILE_EVENTS.indexOf("action");
        int sha256 = EventTableSpecs.FILE_EVENTS.indexOf("sha256");
        table.generate(QueryContext.all(EventTableSpecs.FILE_EVENTS), row -> {
            events.add(row[action] + " " + row[path] + (row[sha256] == null ? "" : " " + row[sha256]));
            return true;
        });
        return events;
    }

    static List<String> await(EventStore store, int count) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (store.stats("file_events").count() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(200);
        return events(store);
    }

    @Test
    void capturesChangesInARecursiveTreeIncludingNewDirectories() throws Exception {
        String base = dir.toString();
        try (EventStore store = EventStore.open(storeDir, List.of("file_events"), new EventStore.Retention(Duration.ofHours(1), 10_000),
                Duration.ofHours(1)); EventManager manager = new EventManager(store)) {
            InotifyPublisher publisher = new InotifyPublisher(HostRoot.system(), Map.of("tmp", List.of(base + "/%%")),
                    List.of(base + "/ignored"));
            manager.add(publisher, new FileEventsSubscriber(store, HostRoot.system(), Set.of("tmp")));
            assertThat(manager.start()).isEmpty();
            Files.writeString(dir.resolve("a.txt"), "hello\n");
            Files.createDirectories(dir.resolve("ignored"));
            Files.writeString(dir.resolve("ignored/x"), "x");
            Files.createDirectories(dir.resolve("sub/deeper"));
            Files.writeString(dir.resolve("sub/deeper/b.txt"), "b");
            Thread.sleep(300);
            Files.writeString(dir.resolve("sub/deeper/c.txt"), "c");
            Files.move(dir.resolve("a.txt"), dir.resolve("sub/a2.txt"));
            Files.delete(dir.resolve("sub/a2.txt"));
            List<String> events = await(store, 12);
            // metadata and digests are read when the event is, so a file may already hold its final content
            List<String> changes = events.stream().map(e -> e.replaceFirst(" [0-9a-f]{64}$", "")).toList();
            assertThat(changes).containsSubsequence(
                    "CREATED " + base + "/a.txt",
                    "UPDATED " + base + "/a.txt",
                    "CREATED " + base + "/sub",
                    "CREATED " + base + "/sub/deeper/c.txt",
                    "MOVED_FROM " + base + "/a.txt",
                    "MOVED_TO " + base + "/sub/a2.txt",
                    "DELETED " + base + "/sub/a2.txt");
            assertThat(changes).contains("CREATED " + base + "/sub/deeper/b.txt");
            assertThat(events).contains("UPDATED " + base + "/a.txt 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
            assertThat(events).noneMatch(e -> e.contains("/ignored"));
            assertThat(publisher.watchCount()).isEqualTo(3);
        }
    }

    @Test
    void watchesOneFileOrTheEntriesOfADirectory() throws Exception {
        Files.createDirectories(dir.resolve("d"));
        Files.writeString(dir.resolve("watched.conf"), "1");
        try (EventStore store = EventStore.open(storeDir, List.of("file_events"), new EventStore.Retention(Duration.ofHours(1), 10_000),
                Duration.ofHours(1)); EventManager manager = new EventManager(store)) {
            InotifyPublisher publisher = new InotifyPublisher(HostRoot.system(),
                    Map.of("conf", List.of(dir + "/watched.conf", dir + "/%/")), List.of());
            manager.add(publisher, new FileEventsSubscriber(store, HostRoot.system(), Set.of()));
            manager.start();
            Files.writeString(dir.resolve("other.conf"), "not watched");
            Files.writeString(dir.resolve("watched.conf"), "2");
            Files.writeString(dir.resolve("d/inside"), "watched through %");
            List<String> events = await(store, 2);
            assertThat(events).contains("UPDATED " + dir + "/watched.conf", "CREATED " + dir + "/d/inside");
            assertThat(events).noneMatch(e -> e.contains("other.conf"));
        }
    }

    @Test
    void countsQueueOverflowsAndKeepsWatching() throws Exception {
        Path limit = Path.of("/proc/sys/fs/inotify/max_queued_events");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(limit), "lowering max_queued_events needs root");
        String saved = HostRoot.readPath(limit).orElseThrow().strip();
        try (EventStore store = EventStore.open(storeDir, List.of("file_events"), new EventStore.Retention(Duration.ofHours(1), 100_000),
                Duration.ofHours(1)); EventManager manager = new EventManager(store)) {
            InotifyPublisher publisher = new InotifyPublisher(HostRoot.system(), Map.of("tmp", List.of(dir + "/%%")), List.of());
            manager.add(publisher, new FileEventsSubscriber(store, HostRoot.system(), Set.of()));
            sysctl(limit, "16"); // the limit applies to inotify instances created while it is set
            try {
                manager.start();
            } finally {
                sysctl(limit, saved);
            }
            for (int round = 0; round < 20 && publisher.overflows() == 0; round++) {
                for (int i = 0; i < 2_000; i++) {
                    Files.writeString(dir.resolve("f" + i), "x");
                }
            }
            assertThat(publisher.overflows()).isPositive();
            assertThat(publisher.dropped()).isPositive();
            Files.createDirectories(dir.resolve("after/overflow"));
            Thread.sleep(300);
            Files.writeString(dir.resolve("after/overflow/seen"), "x");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline && events(store).stream().noneMatch(e -> e.contains("after/overflow/seen"))) {
                Thread.sleep(50);
            }
            assertThat(events(store)).anyMatch(e -> e.contains("after/overflow/seen"));
        } finally {
            sysctl(limit, saved);
        }
        assertThat(HostRoot.readPath(limit).orElseThrow().strip()).isEqualTo(saved);
    }

    private static void sysctl(Path file, String value) throws Exception {
        Files.writeString(file, value + "\n");
    }

    @Test
    void excludePatterns() {
        assertThat(InotifyPublisher.excludePattern("/var/log").matcher("/var/log/syslog").matches()).isTrue();
        assertThat(InotifyPublisher.excludePattern("/var/log").matcher("/var/logs").matches()).isFalse();
        assertThat(InotifyPublisher.excludePattern("/home/%/.cache").matcher("/home/alice/.cache/x").matches()).isTrue();
        assertThat(InotifyPublisher.excludePattern("/home/%/.cache").matcher("/home/a/b/.cache").matches()).isFalse();
    }
}
