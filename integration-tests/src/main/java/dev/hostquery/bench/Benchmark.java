package dev.hostquery.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The figures of the main-job issue, measured in one run against the packaged service:
 * start to healthy and resident memory after start; the processes query over REST against a plain Java loop
 * reading the same /proc fields in this JVM; {@code file} by path over REST; {@code SELECT * FROM time} with 8
 * concurrent clients. Tops the host up to 300 processes with sleepers first. Prints figures, not verdicts
 * on a noisy shared machine, but each line names its target.
 *
 * <p>Run with {@code bin/bench} (builds what it needs). Options: {@code -Dbench.seconds=10} for the
 * throughput phase, {@code -Dbench.iterations=60} for the latency medians.
 */
public final class Benchmark {
    static final String PROCESSES = "SELECT pid, name, path, cmdline, uid, resident_size FROM processes";
    static final int ITERATIONS = Integer.getInteger("bench.iterations", 60);
    static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    static final int CLIENTS = 8;

    public static void main(String[] args) throws Exception {
        List<Process> sleepers = topUpProcesses(300);
        try (ServiceProcess service = ServiceProcess.start()) {
            double startMs = service.awaitHealthy(Duration.ofSeconds(60));
            long rss = service.residentBytes();
            System.out.printf("hostquery benchmark: %d cores, %d processes on the host (%d sleepers added)%n",
                    Runtime.getRuntime().availableProcessors(), processCount(), sleepers.size());
            System.out.printf("start to healthy:        %8.0f ms       (target < 2000 ms)%n", startMs);
            System.out.printf("resident after start:    %8.1f MiB      (target < 200 MiB)%n", rss / 1048576.0);

            RawHttpClient client = new RawHttpClient("127.0.0.1", service.port());
            for (int i = 0; i < ITERATIONS; i++) {
                post(client, service, PROCESSES);
                plainLoop();
            }
            double[] rest = new double[ITERATIONS];
            double[] plain = new double[ITERATIONS];
            int rows = 0;
            for (int i = 0; i < ITERATIONS; i++) {
                long t0 = System.nanoTime();
                String body = post(client, service, PROCESSES);
                rest[i] = (System.nanoTime() - t0) / 1e6;
                rows = rowCount(body);
                t0 = System.nanoTime();
                plainLoop();
                plain[i] = (System.nanoTime() - t0) / 1e6;
            }
            double restMedian = median(rest);
            double plainMedian = median(plain);
            System.out.printf("processes over REST:     %8.2f ms median, %d rows%n", restMedian, rows);
            System.out.printf("plain /proc loop:        %8.2f ms median (same fields, this JVM)%n", plainMedian);
            System.out.printf("ratio REST / plain:      %8.2f          (target <= 1.5)%n", restMedian / plainMedian);

            String file = "SELECT * FROM file WHERE path = '/etc/passwd'";
            for (int i = 0; i < ITERATIONS * 5; i++) {
                post(client, service, file);
            }
            double[] fileMs = new double[ITERATIONS * 5];
            for (int i = 0; i < fileMs.length; i++) {
                long t0 = System.nanoTime();
                post(client, service, file);
                fileMs[i] = (System.nanoTime() - t0) / 1e6;
            }
            System.out.printf("file by path over REST:  %8.3f ms median (target < 2 ms)%n", median(fileMs));

            double qps = throughput(service, "SELECT * FROM time", CLIENTS, SECONDS);
            System.out.printf("SELECT * FROM time:      %8.0f queries/s with %d clients over %d s (target >= 3000)%n",
                    qps, CLIENTS, SECONDS);
        } finally {
            sleepers.forEach(Process::destroyForcibly);
        }
    }

    /** Starts `sleep` processes until the host has {@code target} processes; returns them to stop later. */
    static List<Process> topUpProcesses(int target) throws IOException {
        List<Process> sleepers = new ArrayList<>();
        int missing = target - processCount();
        for (int i = 0; i < missing; i++) {
            sleepers.add(new ProcessBuilder("sleep", "3600").start());
        }
        return sleepers;
    }

    static int processCount() throws IOException {
        try (var dirs = Files.list(Path.of("/proc"))) {
            return (int) dirs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).count();
        }
    }

    /**
     * The baseline: what the query asks for, read from /proc by hand (stat for the name, the exe link,
     * cmdline, status for the uid and VmRSS), for every process.
     */
    static int plainLoop() throws IOException {
        int count = 0;
        try (var dirs = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String exe;
                    try {
                        exe = Files.readSymbolicLink(dir.resolve("exe")).toString();
                    } catch (IOException e) {
                        exe = null;
                    }
                    byte[] cmdline = Files.readAllBytes(dir.resolve("cmdline"));
                    for (int i = 0; i < cmdline.length; i++) {
                        if (cmdline[i] == 0) {
                            cmdline[i] = ' ';
                        }
                    }
                    String args = new String(cmdline, java.nio.charset.StandardCharsets.UTF_8).strip();
                    long uid = -1;
                    long rss = -1;
                    for (String line : Files.readString(dir.resolve("status")).split("\n")) {
                        if (line.startsWith("Uid:")) {
                            uid = Long.parseLong(line.substring(4).strip().split("\\s+")[0]);
                        } else if (line.startsWith("VmRSS:")) {
                            rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                        }
                    }
                    if (comm.length() + args.length() + uid + rss + (exe == null ? 0 : 1) > Long.MIN_VALUE) {
                        count++;
                    }
                } catch (NoSuchFileException e) {
                    // the process exited
                }
            }
        }
        return count;
    }

    static String post(RawHttpClient client, ServiceProcess service, String sql) throws Exception {
        byte[] body = ("{\"sql\": \"" + sql.replace("\"", "\\\"") + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        RawHttpClient.Response response = client.postJson("/v1/queries", body);
        if (response.status() != 200) {
            throw new IllegalStateException(sql + " answered " + response.status() + ": " + response.text());
        }
        return response.text();
    }

    static int rowCount(String body) {
        int at = body.indexOf("\"row_count\":");
        if (at < 0) {
            return -1;
        }
        int end = at + 12;
        while (end < body.length() && Character.isDigit(body.charAt(end))) {
            end++;
        }
        return Integer.parseInt(body.substring(at + 12, end));
    }

    /**
     * Queries per second with {@code clients} threads each sending one query at a time on its own keep-alive
     * connection, after a 2 s warm-up.
     */
    static double throughput(ServiceProcess service, String sql, int clients, int seconds) throws Exception {
        AtomicBoolean counting = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                workers.add(pool.submit(() -> {
                    byte[] body = ("{\"sql\": \"" + sql + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    try (RawHttpClient client = new RawHttpClient("127.0.0.1", service.port())) {
                        while (running.get()) {
                            int status = client.postJson("/v1/queries", body).status();
                            if (status != 200) {
                                throw new IllegalStateException(sql + " answered " + status);
                            }
                            if (counting.get()) {
                                done.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(2_000);
            counting.set(true);
            long start = System.nanoTime();
            Thread.sleep(seconds * 1_000L);
            long count = done.get();
            double elapsed = (System.nanoTime() - start) / 1e9;
            running.set(false);
            for (Future<?> f : workers) {
                f.get();
            }
            return count / elapsed;
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
