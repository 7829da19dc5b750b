package dev.hostquery.bench;

import dev.hostquery.events.store.EventStore;
import dev.hostquery.grpc.v1.EventsGrpc;
import dev.hostquery.grpc.v1.SubscribeRequest;
import dev.hostquery.grpc.v1.SubscribeResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The figures of the event-subscriptions issue, in one run: store ingest into RocksDB in this JVM; inotify
 * capture of 10,000 files created, written and deleted on tmpfs (/dev/shm); 2,000 short-lived processes
 * through the process connector (needs root); file write to gRPC subscriber latency; and the service's CPU
 * use while idle with the default publishers on. Run with {@code bin/bench-events}.
 */
public final class EventBenchmark {
    public static void main(String[] args) throws Exception {
        System.out.printf("hostquery event benchmark: %d cores%n", Runtime.getRuntime().availableProcessors());
        storeIngest(2_000_000);
        boundedFlood(5_000_000, 100_000);
        Path watched = Files.createTempDirectory(Path.of("/dev/shm"), "hostquery-bench-");
        try (ServiceProcess service = ServiceProcess.start("-Dhostquery.events.file.paths.bench=" + watched + "/%%",
                "-Dhostquery.events.max-events=1000000", "-Dhostquery.query.max-rows=2000000",
                "-Dhostquery.security.anonymous-roles=reader,events")) {
            service.awaitHealthy(Duration.ofSeconds(60));
            inotify(service, watched, 10_000);
            processes(service, 2_000);
            latency(service, watched, 200);
        } finally {
            try (var files = Files.walk(watched)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        try (ServiceProcess idle = ServiceProcess.start()) {
            idle.awaitHealthy(Duration.ofSeconds(60));
            Thread.sleep(5_000);
            long before = cpuTicks(idle.pid());
            long start = System.nanoTime();
            Thread.sleep(10_000);
            double seconds = (System.nanoTime() - start) / 1e9;
            double percent = (cpuTicks(idle.pid()) - before) / 100.0 / seconds * 100;
            System.out.printf("idle CPU:                %8.2f %% of one core over %.0f s (target < 1 %%)%n", percent, seconds);
        }
    }

    static void storeIngest(int events) throws Exception {
        Path dir = Files.createTempDirectory("hostquery-ingest-");
        try (EventStore store = EventStore.open(dir, List.of("file_events"), new EventStore.Retention(Duration.ofHours(1), 10_000_000),
                Duration.ofHours(1))) {
            List<Object[]> batch = new ArrayList<>(1_000);
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                batch.add(new Object[] {"/var/log/app/file-" + (i % 5000) + ".log", "bench", "UPDATED", 0L, 1_000_000L + i, 0L, 0L,
                    "0644", 4096L, 1_700_000_000L, 1_700_000_000L, 1_700_000_000L, null, null, null, 0L, null, null});
                if (batch.size() == 1_000) {
                    store.append("file_events", batch);
                    batch = new ArrayList<>(1_000);
                }
            }
            store.append("file_events", batch);
            double seconds = (System.nanoTime() - start) / 1e9;
            long stored = store.stats("file_events").count();
            System.out.printf("store ingest:            %8.0f events/s, %d of %d stored, batches of 1000, WAL on (target >= 200000)%n",
                    events / seconds, stored, events);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A sustained flood into a store that keeps {@code keep} events, expiring in the background: disk stays bounded. */
    static void boundedFlood(int events, int keep) throws Exception {
        Path dir = Files.createTempDirectory("hostquery-flood-");
        try (EventStore store = EventStore.open(dir, List.of("file_events"), new EventStore.Retention(Duration.ofHours(1), keep),
                Duration.ofMillis(200))) {
            long maxBytes = 0;
            long start = System.nanoTime();
            List<Object[]> batch = new ArrayList<>(1_000);
            for (int i = 1; i <= events; i++) {
                batch.add(new Object[] {"/var/log/app/file-" + (i % 5000) + ".log", "bench", "UPDATED", 0L, (long) i, 0L, 0L,
                    "0644", 4096L, 1_700_000_000L, 1_700_000_000L, 1_700_000_000L, null, null, null, 0L, null, null});
                if (batch.size() == 1_000) {
                    store.append("file_events", batch);
                    batch = new ArrayList<>(1_000);
                }
                if (i % 250_000 == 0) {
                    maxBytes = Math.max(maxBytes, store.sizeBytes());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            store.expire();
            EventStore.TableStats stats = store.stats("file_events");
            System.out.printf("sustained flood:         %d events at %.0f events/s into a store keeping %d: %d kept, %d expired, "
                    + "disk at most %.1f MiB, %.1f MiB at the end%n", events, events / seconds, keep, stats.count(), stats.expired(),
                    maxBytes / 1048576.0, store.sizeBytes() / 1048576.0);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static void inotify(ServiceProcess service, Path dir, int files) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < files; i++) {
            Path f = dir.resolve("f" + i);
            Files.write(f, ("content " + i).getBytes(StandardCharsets.UTF_8));
            Files.delete(f);
        }
        double writeSeconds = (System.nanoTime() - start) / 1e9;
        String prefix = dir + "/f";
        long deadline = System.nanoTime() + 60_000_000_000L;
        long created = 0;
        long deleted = 0;
        long total = 0;
        while (System.nanoTime() < deadline) {
            String body = Benchmark.post(new RawHttpClient("127.0.0.1", service.port()), service,
                    "SELECT sum(action = 'CREATED') AS c, sum(action = 'DELETED') AS d, count(*) AS n FROM file_events WHERE target_path LIKE '"
                    + prefix + "%'");
            created = number(body, "c");
            deleted = number(body, "d");
            total = number(body, "n");
            if (created >= files && deleted >= files) {
                break;
            }
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("inotify:                 %d files created, written, deleted in %.2f s; file_events holds %d CREATED and %d "
                + "DELETED of %d each, %d events in all; capture %.0f events/s%n", files, writeSeconds, created, deleted, files, total,
                total / seconds);
    }

    static void processes(ServiceProcess service, int count) throws Exception {
        Set<Long> pids = new HashSet<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Process p = new ProcessBuilder("/bin/true").start();
            pids.add(p.pid());
            p.waitFor();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + 30_000_000_000L;
        long found = 0;
        String list = pids.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("");
        while (System.nanoTime() < deadline) {
            String body = Benchmark.post(new RawHttpClient("127.0.0.1", service.port()), service,
                    "SELECT count(DISTINCT pid) AS n FROM process_events WHERE pid IN (" + list + ")");
            found = number(body, "n");
            if (found >= count) {
                break;
            }
            Thread.sleep(100);
        }
        System.out.printf("proc connector:          %d processes spawned in %.2f s (%.0f/s); %d of %d execs in process_events%n",
                count, seconds, count / seconds, found, count);
    }

    static void latency(ServiceProcess service, Path dir, int samples) throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext().build();
        try {
            Iterator<SubscribeResponse> stream = EventsGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS)
                    .subscribe(SubscribeRequest.newBuilder().setTable("file_events").setFilter("action = 'CREATED'").build());
            stream.next(); // header
            double[] ms = new double[samples];
            for (int i = 0; i < samples; i++) {
                Path f = dir.resolve("latency-" + i);
                long t0 = System.nanoTime();
                Files.writeString(f, "x");
                while (true) {
                    SubscribeResponse r = stream.next();
                    if (r.hasEvent() && r.getEvent().getRow().getValues(0).getTextValue().equals(f.toString())) {
                        break;
                    }
                }
                ms[i] = (System.nanoTime() - t0) / 1e6;
                Thread.sleep(5);
            }
            Arrays.sort(ms);
            System.out.printf("write to gRPC subscriber: p50 %.2f ms, p99 %.2f ms over %d writes (target p99 < 100 ms)%n",
                    ms[samples / 2], ms[(int) Math.ceil(samples * 0.99) - 1], samples);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** utime + stime of a process, clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
    static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** A numeric field of the first row of a query response. */
    static long number(String body, String column) {
        int at = body.indexOf("\"" + column + "\":");
        if (at < 0) {
            return 0;
        }
        int from = at + column.length() + 3;
        int end = from;
        while (end < body.length() && (Character.isDigit(body.charAt(end)) || body.charAt(end) == '-')) {
            end++;
        }
        return end == from ? 0 : Long.parseLong(body.substring(from, end));
    }
}
