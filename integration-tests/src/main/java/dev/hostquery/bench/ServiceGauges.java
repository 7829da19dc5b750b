package dev.hostquery.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the resilience benchmark reads about the service process from /proc/&lt;pid&gt;: resident memory and threads
 * (status), CPU time (stat), and the temporary disk it uses: bytes in files under its temporary directory
 * (java.io.tmpdir and SQLITE_TMPDIR point there) beyond what was there before, plus deleted files under it that
 * it still holds open (SQLite unlinks its temp files right after opening them), found through /proc/&lt;pid&gt;/fd.
 */
final class ServiceGauges {
    private final long pid;
    private final Path tmp;

    ServiceGauges(long pid, Path tmp) {
        this.pid = pid;
        this.tmp = tmp;
    }

    /** VmRSS, bytes. */
    long rss() throws IOException {
        return status("VmRSS:") * 1024;
    }

    /** Threads: of /proc/&lt;pid&gt;/status. */
    long threads() throws IOException {
        return status("Threads:");
    }

    private long status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no " + key + " in /proc/" + pid + "/status");
    }

    /**
     * The service's threads by name (the comm file of each task in /proc/&lt;pid&gt;/task, at most 15 characters), digits
     * folded to N.
     */
    Map<String, Integer> threadNames() {
        Map<String, Integer> names = new java.util.TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    names.merge(Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "N"), 1, Integer::sum);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // the process is gone
        }
        return names;
    }

    /**
     * Threads waiting for work in a pool, by the same names as {@link #threadNames()}, from a thread dump
     * ({@code jcmd <pid> Thread.print} of this JDK); empty if there is no jcmd or the dump fails. A thread is idle
     * when its stack waits in a pool's task queue (ThreadPoolExecutor.getTask, JBoss EnhancedQueueExecutor's park,
     * ForkJoinPool.awaitWork).
     */
    Map<String, Integer> idleThreads() {
        Map<String, Integer> idle = new java.util.TreeMap<>();
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return idle;
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
            String dump;
            try {
                dump = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } finally {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            for (String block : dump.split("\n\s*\n")) {
                if (!block.startsWith("\"") || block.indexOf('"', 1) < 0) {
                    continue;
                }
                String name = block.substring(1, block.indexOf('"', 1));
                if (block.contains("ThreadPoolExecutor.getTask") || block.contains("EnhancedQueueExecutor$PoolThreadNode.park")
                        || block.contains("ForkJoinPool.awaitWork")) {
                    idle.merge(name.substring(0, Math.min(15, name.length())).strip().replaceAll("[0-9]+", "N"), 1, Integer::sum);
                }
            }
        } catch (IOException e) {
            // no dump: report no idle threads
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return idle;
    }

    /** utime + stime, clock ticks (fields 14 and 15 of /proc/&lt;pid&gt;/stat; the name ends at the last ')'). */
    long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Sizes of the regular files under the temporary directory now, by path. */
    Map<Path, Long> tmpFiles() {
        Map<Path, Long> sizes = new HashMap<>();
        try (Stream<Path> files = Files.walk(tmp)) {
            files.forEach(p -> {
                try {
                    if (Files.isRegularFile(p)) {
                        sizes.put(p, Files.size(p));
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a directory vanished while walking: count what was seen
        }
        return sizes;
    }

    /** Temporary disk in use beyond {@code baseline}: grown and new files, and deleted ones still open. */
    long tmpBytesBeyond(Map<Path, Long> baseline) {
        long bytes = 0;
        for (Map.Entry<Path, Long> e : tmpFiles().entrySet()) {
            bytes += Math.max(0, e.getValue() - baseline.getOrDefault(e.getKey(), 0L));
        }
        String prefix = tmp.toString() + "/";
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix) && target.endsWith(" (deleted)")) {
                        bytes += Files.size(fd);
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // the process is gone
        }
        return bytes;
    }

    /** Samples resident memory and temporary disk every 100 ms until closed, keeping the peaks. */
    final class Sampler implements AutoCloseable {
        private final Map<Path, Long> baseline;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long peakRss;
        private volatile long peakTmp;

        Sampler() throws IOException {
            baseline = tmpFiles();
            peakRss = rss();
            thread = Thread.ofPlatform().name("bench-sampler").daemon(true).start(this::run);
        }

        private void run() {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (running && System.nanoTime() < deadline) {
                sample();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sample() {
            try {
                peakRss = Math.max(peakRss, rss());
            } catch (IOException e) {
                // the process is gone: keep the last peak
            }
            peakTmp = Math.max(peakTmp, tmpBytesBeyond(baseline));
        }

        long peakRss() {
            return peakRss;
        }

        long peakTmp() {
            return peakTmp;
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sample();
        }
    }
}
