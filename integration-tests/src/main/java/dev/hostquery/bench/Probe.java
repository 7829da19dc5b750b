package dev.hostquery.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The well-behaved client of the resilience benchmark: {@code SELECT 1} over REST every 20 ms from 127.0.0.1, one
 * at a time on its own keep-alive connection (reconnecting after a failure), with a 10 s read timeout. Records each
 * probe's latency and whether it answered 200.
 *
 * <p>The percentiles are corrected for coordinated omission (as HdrHistogram's {@code recordValueWithExpectedInterval}):
 * a probe that takes {@code L} ms holds back the ones due every 20 ms meanwhile, so {@code L - 20}, {@code L - 40}, …
 * are recorded for them too. One probe stuck for 10 s then weighs as the 500 probes it delayed, not as one sample.
 */
final class Probe implements AutoCloseable {
    private static final byte[] SELECT_1 = LoopbackHttp.query("SELECT 1", 0);
    private static final int MAX_PROBES = 20_000;

    private final int port;
    private final Thread thread;
    private static final long INTERVAL_NANOS = 20_000_000L;
    /** Latencies of the probes sent and of the ones they held back, milliseconds. */
    private final List<Double> millis = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger sent = new AtomicInteger();
    private volatile double max;
    private final Map<String, Integer> failures = Collections.synchronizedMap(new TreeMap<>());
    private volatile boolean running = true;

    Probe(int port) {
        this.port = port;
        thread = Thread.ofPlatform().name("bench-probe").daemon(true).start(this::run);
    }

    private void run() {
        LoopbackHttp connection = null;
        try {
            for (int i = 0; i < MAX_PROBES && running; i++) {
                long t0 = System.nanoTime();
                try {
                    if (connection == null) {
                        connection = new LoopbackHttp(LoopbackHttp.PROBE, port, 10_000);
                    }
                    LoopbackHttp.Answer answer = connection.post("/v1/queries", SELECT_1);
                    if (!answer.ok()) {
                        failures.merge(answer.label(), 1, Integer::sum);
                    }
                    if (!connection.reusable()) {
                        connection.close();
                        connection = null;
                    }
                } catch (IOException | RuntimeException e) {
                    failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                    if (connection != null) {
                        connection.close();
                        connection = null;
                    }
                }
                long elapsed = System.nanoTime() - t0;
                sent.incrementAndGet();
                max = Math.max(max, elapsed / 1e6);
                millis.add(elapsed / 1e6);
                for (long held = elapsed - INTERVAL_NANOS; held > 0; held -= INTERVAL_NANOS) {
                    millis.add(held / 1e6);
                }
                long pause = INTERVAL_NANOS - elapsed;
                if (pause > 0) {
                    Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            // stopped
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** Stops after the probe in flight (at most its 10 s timeout). */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(12_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Probes sent. */
    int count() {
        return sent.get();
    }

    /** The slowest probe sent, milliseconds. */
    double max() {
        return max;
    }

    int failed() {
        synchronized (failures) {
            return failures.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    String failures() {
        synchronized (failures) {
            return failures.toString();
        }
    }

    double percentile(double p) {
        List<Double> sorted;
        synchronized (millis) {
            sorted = new ArrayList<>(millis);
        }
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
