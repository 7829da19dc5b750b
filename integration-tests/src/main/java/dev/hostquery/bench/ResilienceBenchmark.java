package dev.hostquery.bench;

import dev.hostquery.grpc.v1.EventsGrpc;
import dev.hostquery.grpc.v1.QueryGrpc;
import dev.hostquery.grpc.v1.QueryLimits;
import dev.hostquery.grpc.v1.QueryRequest;
import dev.hostquery.grpc.v1.QueryStreamResponse;
import dev.hostquery.grpc.v1.SubscribeRequest;
import dev.hostquery.grpc.v1.SubscribeResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The hardening issue's reproductions, run one after another against the packaged service: each attack with a
 * probe client sending {@code SELECT 1} over REST every 20 ms from 127.0.0.1 while attackers connect from
 * 127.0.0.2 (the service shares its connections per client address). For each attack it prints what the attack
 * got, then the probe's p50/p99 (corrected for coordinated omission, see {@link Probe}) and slowest probe, whether
 * every probe answered 200, the service's resident memory and threads
 * before and after, its CPU in the 3 s after the attack, and the peak temporary disk it used (its java.io.tmpdir
 * and SQLITE_TMPDIR are one fresh directory). An attack held when the probe's p99 stayed under 1 s with every
 * probe answered 200, CPU after under 15 % of a core, no temporary disk, at most 20 more threads that are not idle
 * in a pool (a pool's idle threads end on their own), and the attack's own check.
 *
 * <p>Run with {@code bin/bench-abuse} (builds, sets SQLITE_TMPDIR, cleans up); about two minutes. All traffic stays
 * on loopback; every loop is bounded in count and time; the service, sockets, channels and files are closed or
 * removed on every path, and the whole run ends after {@value #RUN_LIMIT_SECONDS} s at the latest.
 * {@code -Dbench.log=true} prints the service's log at the end.
 */
public final class ResilienceBenchmark {
    static final int RUN_LIMIT_SECONDS = 330;
    static final String ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c)";
    static final String PROBE = LoopbackHttp.PROBE;
    static final String ATTACKER = LoopbackHttp.ATTACKER;
    static final double PROBE_P99_MS = 1_000;
    static final double CPU_PERCENT = 15;
    static final int MORE_THREADS = 20;
    static final long RSS_GROWTH = 128L << 20;
    static final String INDENT = " ".repeat(39);

    /** What an attack got, and whether its own check passed. */
    record Outcome(String detail, boolean held) {
    }

    interface Attack {
        Outcome run() throws Exception;
    }

    private final ServiceProcess service;
    private final ServiceGauges gauges;
    private final Path dir;
    private final Path watched;
    private final Path names;
    private final Path sparse;
    private final NioEventLoopGroup group = new NioEventLoopGroup(2);
    private final List<String> checks = new ArrayList<>();
    private int held;
    /** The sampler and resident memory of the attack running now. */
    private ServiceGauges.Sampler sampler;
    private long rssBefore;
    /** The local address the first gRPC attacker channel was bound to, as seen by its socket. */
    private static final AtomicReference<String> GRPC_LOCAL = new AtomicReference<>();

    private ResilienceBenchmark(ServiceProcess service, Path dir, Path serviceTmp) {
        this.service = service;
        this.gauges = new ServiceGauges(service.pid(), serviceTmp);
        this.dir = dir;
        this.watched = dir.resolve("watched");
        this.names = dir.resolve("names");
        this.sparse = dir.resolve("sparse-10g");
    }

    public static void main(String[] args) throws Exception {
        String given = System.getProperty("bench.dir");
        Path dir = given != null ? Path.of(given) : Files.createTempDirectory("hostquery-abuse-");
        Files.createDirectories(dir);
        try (Stream<Path> existing = Files.list(dir)) {
            if (existing.findAny().isPresent()) {
                throw new IllegalStateException("bench.dir " + dir + " is not empty: give a fresh directory");
            }
        }
        Path serviceTmp = Files.createDirectories(dir.resolve("service-tmp"));
        Files.createDirectories(dir.resolve("watched"));
        AtomicReference<ServiceProcess> started = new AtomicReference<>();
        AtomicBoolean cleaned = new AtomicBoolean();
        Runnable cleanup = () -> {
            if (cleaned.compareAndSet(false, true)) {
                ServiceProcess s = started.get();
                if (s != null) {
                    try {
                        s.close();
                    } catch (Exception e) {
                        System.err.println("could not stop the service: " + e);
                    }
                }
                deleteTree(dir);
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(cleanup, "bench-cleanup"));
        Thread.ofPlatform().daemon(true).name("bench-watchdog").start(() -> {
            try {
                Thread.sleep(RUN_LIMIT_SECONDS * 1_000L);
                System.out.println("resilience benchmark: stopped after " + RUN_LIMIT_SECONDS + " s (run limit)");
                System.exit(3);
            } catch (InterruptedException e) {
                // finished in time
            }
        });
        try {
            ServiceProcess service = ServiceProcess.start("-Djava.io.tmpdir=" + serviceTmp,
                    "-Dhostquery.events.file.paths.bench=" + dir.resolve("watched") + "/%%",
                    // the attacks are at the engine's and transports' bounds, not at authorization: as anonymous admins
                    // they reach every table and path (hash of a file in /tmp), and one principal may hold all 64
                    // subscriptions the service serves
                    "-Dhostquery.security.anonymous-roles=admin", "-Dhostquery.security.max-subscriptions-per-principal=64");
            started.set(service);
            double startMs = service.awaitHealthy(Duration.ofSeconds(60));
            new ResilienceBenchmark(service, dir, serviceTmp).run(startMs, serviceTmp);
        } finally {
            cleanup.run();
        }
    }

    private void run(double startMs, Path serviceTmp) throws Exception {
        try {
            prepare();
            Map<Path, Long> tmpAtStart = gauges.tmpFiles();
            System.out.printf("hostquery resilience benchmark: %d cores; service pid %d on port %d, healthy in %.0f ms, "
                    + "%.1f MiB resident, %d threads%n", Runtime.getRuntime().availableProcessors(), service.pid(), service.port(),
                    startMs, gauges.rss() / 1048576.0, gauges.threads());
            String sqliteTmp = System.getenv("SQLITE_TMPDIR");
            System.out.printf("service temp dir %s (java.io.tmpdir%s): %d files, %s at start, not counted%n", serviceTmp,
                    serviceTmp.toString().equals(sqliteTmp) ? " and SQLITE_TMPDIR" : "; SQLITE_TMPDIR is NOT set to it, "
                    + "run bin/bench-abuse", tmpAtStart.size(), bytes(tmpAtStart.values().stream().mapToLong(Long::longValue).sum()));
            System.out.printf("probe: SELECT 1 over REST every 20 ms from %s, p50/p99 corrected for coordinated omission (a "
                    + "stuck probe also counts the probes it held back); every attack from %s (REST sockets and gRPC channels "
                    + "bound there; a gRPC socket seen at %s) unless its line says otherwise%n", PROBE, ATTACKER, GRPC_LOCAL.get());
            System.out.println();

            attack(1, "stalled gRPC streams", "SELECT 1 from 127.0.0.2 answers 200 after the streams' 3 s limit",
                    this::stalledStreams);
            attack(2, "stalled subscribers", "a new subscriber gets its header within 2 s, then 64 at once get theirs",
                    this::stalledSubscribers);
            attack(3, "slow request bodies", "every connection answered 408 or closed by the service within 12 s",
                    this::slowBodies);
            attack(4, "LIKE backtracking", "answered within 2.5 s, not 5xx", this::likeBacktracking);
            attack(5, "hash of a sparse 10 GiB", "all 4 answered within 3 s, not 5xx (and CPU after: hashing stopped)",
                    this::sparseHash);
            attack(6, "unread 60 MB results", "resident peak less than 128 MiB above before", this::unreadResults);
            attack(7, "DISTINCT over 1 GB", "422 limit_exceeded (memory or timeout_ms), no temp disk", this::distinctGigabyte);
            attack(8, "memory hog vs. others", "no small query of the other clients failed", this::memoryHog);
            attack(9, "10 endless queries", "all 10 ended within 7 s (the probe's p99 is the point)", this::endless);
            attack(10, "escapes", "sqlite_stmt 403 read_only; the UNION filter and the huge cursor 400", this::escapes);

            System.out.println();
            System.out.printf("%d of 10 attacks held%n", held);
            System.out.printf("held: probe p99 < %.0f ms and every probe answered 200; service CPU in the 3 s after < %.0f %% of a core; "
                    + "no temp disk; threads after <= before + %d, not counting threads idle in a pool; and%n", PROBE_P99_MS, CPU_PERCENT, MORE_THREADS);
            checks.forEach(c -> System.out.println("  " + c));
            String log = service.output();
            long warnings = log.lines().filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN .*")).count();
            long errors = log.lines().filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ERROR.*")).count();
            System.out.printf("service log: %d WARN and %d ERROR lines (-Dbench.log=true prints the log)%n", warnings, errors);
            if (Boolean.getBoolean("bench.log")) {
                System.out.println(log);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /** The files the attacks use; a warm-up of REST and of gRPC from the attacker's address. */
    private void prepare() throws Exception {
        Files.createDirectories(names);
        for (int i = 0; i < 5; i++) {
            Files.writeString(names.resolve("a".repeat(59) + (char) ('a' + i)), "x");
        }
        try (RandomAccessFile file = new RandomAccessFile(sparse.toFile(), "rw")) {
            file.setLength(10L << 30);
        }
        try (LoopbackHttp http = new LoopbackHttp(PROBE, service.port(), 10_000)) {
            for (int i = 0; i < 200; i++) {
                http.post("/v1/queries", LoopbackHttp.query("SELECT 1", 0));
            }
        }
        ManagedChannel channel = channel(ATTACKER);
        try {
            QueryGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .query(QueryRequest.newBuilder().setSql("SELECT 1").build());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Runs one attack between the measurements and prints its two lines (more if it did not hold). */
    private void attack(int number, String name, String check, Attack attack) throws Exception {
        checks.add(String.format("%2d %-24s %s", number, name + ":", check));
        if (!service.process().isAlive()) {
            System.out.printf("%2d %-25s NOT HELD  not run: the service is gone%n", number, name + ":");
            return;
        }
        Thread.sleep(500);
        int logFrom = service.output().length();
        rssBefore = gauges.rss();
        long threadsBefore = gauges.threads();
        Map<String, Integer> namesBefore = gauges.threadNames();
        sampler = gauges.new Sampler();
        Outcome outcome;
        Probe probe = new Probe(service.port());
        double cpu = Double.NaN;
        long rssAfter = -1;
        long threadsAfter = -1;
        Map<String, Integer> namesAfter = Map.of();
        try {
            try {
                outcome = attack.run();
            } catch (Exception | AssertionError e) {
                outcome = new Outcome("the attack itself failed: " + e, false);
            } finally {
                probe.close();
            }
            try {
                long ticks = gauges.cpuTicks();
                long t0 = System.nanoTime();
                Thread.sleep(3_000);
                cpu = (gauges.cpuTicks() - ticks) / ((System.nanoTime() - t0) / 1e9);
                rssAfter = gauges.rss();
                threadsAfter = gauges.threads();
                namesAfter = gauges.threadNames();
            } catch (IOException e) {
                outcome = new Outcome(outcome.detail() + "; the service is gone: " + e.getMessage(), false);
            }
        } finally {
            sampler.close();
        }
        double p99 = probe.percentile(99);
        String log = service.output();
        List<String> logged = log.substring(Math.min(logFrom, log.length())).lines()
                .filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (WARN|ERROR).*")).toList();
        List<String> why = new ArrayList<>();
        if (!outcome.held()) {
            why.add("its own check");
        }
        if (probe.failed() > 0 || probe.count() == 0) {
            why.add(probe.failed() + " of " + probe.count() + " probes not 200");
        }
        if (!(p99 < PROBE_P99_MS)) {
            why.add(String.format("probe p99 %.0f ms", p99));
        }
        if (!(cpu < CPU_PERCENT)) {
            why.add(String.format("CPU after %.1f %%", cpu));
        }
        if (sampler.peakTmp() > 0) {
            why.add("temp disk " + bytes(sampler.peakTmp()));
        }
        String idleNote = "";
        if (threadsAfter < 0 || threadsAfter > threadsBefore + MORE_THREADS) {
            // threads that grew but wait for work in a bounded pool end on their own (keep-alive 30-60 s): only the
            // growth that is not idle counts against the attack
            Map<String, Integer> idle = gauges.idleThreads();
            List<String> grown = new ArrayList<>();
            int[] busyGrowth = {0};
            namesAfter.forEach((thread, n) -> {
                int more = n - namesBefore.getOrDefault(thread, 0);
                if (more != 0) {
                    grown.add(String.format("%s %+d (%d of %d idle in a pool)", thread, more, idle.getOrDefault(thread, 0), n));
                    busyGrowth[0] += Math.max(0, more - idle.getOrDefault(thread, 0));
                }
            });
            String growth = "threads " + threadsBefore + " -> " + threadsAfter + ": " + String.join(", ", grown);
            if (threadsAfter < 0 || busyGrowth[0] > MORE_THREADS) {
                why.add(growth + "; " + busyGrowth[0] + " of them not idle");
            } else {
                idleNote = INDENT + "pool growth, all idle: " + growth + System.lineSeparator();
            }
        }
        boolean ok = why.isEmpty();
        if (ok) {
            held++;
        }
        System.out.printf("%2d %-25s %-9s %s%n", number, name + ":", ok ? "held" : "NOT HELD", outcome.detail());
        System.out.printf("%sprobe p50 %.2f ms, p99 %.2f ms, max %.0f ms, %d of %d answered 200%s; RSS %.1f -> %.1f MiB (peak %.1f); "
                + "threads %d -> %d; CPU after %.1f %%; temp disk %s; log +%d WARN/ERROR%n", INDENT, probe.percentile(50), p99,
                probe.max(), probe.count() - probe.failed(), probe.count(), probe.failed() == 0 ? "" : " " + probe.failures(),
                rssBefore / 1048576.0, rssAfter / 1048576.0, sampler.peakRss() / 1048576.0, threadsBefore, threadsAfter, cpu,
                bytes(sampler.peakTmp()), logged.size());
        System.out.print(idleNote);
        if (!ok) {
            System.out.printf("%snot held: %s%n", INDENT, String.join("; ", why));
            // the same message many times over (one per attacker) once, with its count; the first time it was logged
            Map<String, Integer> counts = new java.util.LinkedHashMap<>();
            Map<String, String> first = new java.util.HashMap<>();
            for (String line : logged) {
                String message = line.substring(13).replaceAll("error id: [^:]*: ", "");
                counts.merge(message, 1, Integer::sum);
                first.putIfAbsent(message, line.substring(0, 12));
            }
            int shown = 0;
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                if (shown++ == 8) {
                    System.out.printf("%slog: … %d more different WARN/ERROR lines%n", INDENT, counts.size() - 8);
                    break;
                }
                String message = e.getKey().length() > 220 ? e.getKey().substring(0, 220) + " …" : e.getKey();
                System.out.printf("%slog: %4d x %s (first at %s)%n", INDENT, e.getValue(), message, first.get(e.getKey()));
            }
        }
    }

    // 1 -------------------------------------------------------------------------------------------------------------

    private Outcome stalledStreams() throws Exception {
        ManagedChannel channel = channel(ATTACKER);
        List<ClientCallStreamObserver<QueryRequest>> calls = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger messages = new AtomicInteger();
        LoopbackHttp.Answer select1;
        try {
            QueryRequest request = QueryRequest.newBuilder().setSql(ENDLESS + " SELECT x, randomblob(200) FROM c").setBatchSize(1)
                    .setLimits(QueryLimits.newBuilder().setTimeoutMs(3_000)).build();
            long start = System.nanoTime();
            for (int i = 0; i < 8; i++) {
                QueryGrpc.newStub(channel).queryStream(request, new ClientResponseObserver<QueryRequest, QueryStreamResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<QueryRequest> requestStream) {
                        requestStream.disableAutoRequestWithInitial(0);
                        calls.add(requestStream);
                    }

                    @Override
                    public void onNext(QueryStreamResponse value) {
                        messages.incrementAndGet();
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
            }
            sleepUntil(start + 4_500_000_000L);
            try (LoopbackHttp http = new LoopbackHttp(ATTACKER, service.port(), 5_000)) {
                select1 = http.post("/v1/queries", LoopbackHttp.query("SELECT 1", 1_000));
            }
            sleepUntil(start + 6_000_000_000L);
            synchronized (calls) {
                calls.forEach(c -> c.cancel("resilience benchmark: done", null));
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        return new Outcome(String.format("8 QueryStream calls (batch_size 1, 3 s limit) requested nothing for 6 s, then cancelled; "
                + "SELECT 1 from 127.0.0.2 at 4.5 s: %s in %.1f ms", select1.label(), select1.millis()), select1.ok());
    }

    // 2 -------------------------------------------------------------------------------------------------------------

    /** A subscriber that records its header or its end; one that stalls requests no message at all. */
    static final class Subscriber implements ClientResponseObserver<SubscribeRequest, SubscribeResponse> {
        private final boolean stall;
        private final long start = System.nanoTime();
        final CountDownLatch headerOrEnd = new CountDownLatch(1);
        volatile ClientCallStreamObserver<SubscribeRequest> call;
        volatile double headerMillis = -1;
        volatile Status status;

        Subscriber(boolean stall) {
            this.stall = stall;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
            call = requestStream;
            if (stall) {
                requestStream.disableAutoRequestWithInitial(0);
            }
        }

        @Override
        public void onNext(SubscribeResponse value) {
            if (value.hasHeader() && headerMillis < 0) {
                headerMillis = (System.nanoTime() - start) / 1e6;
                headerOrEnd.countDown();
            }
        }

        @Override
        public void onError(Throwable t) {
            status = Status.fromThrowable(t);
            headerOrEnd.countDown();
        }

        @Override
        public void onCompleted() {
            status = Status.OK;
            headerOrEnd.countDown();
        }

        void cancel() {
            if (call != null) {
                call.cancel("resilience benchmark: done", null);
            }
        }
    }

    private Outcome stalledSubscribers() throws Exception {
        SubscribeRequest request = SubscribeRequest.newBuilder().setTable("file_events").build();
        List<ManagedChannel> stalled = new ArrayList<>();
        int created = 0;
        double createSeconds;
        try {
            for (int i = 0; i < 8; i++) {
                ManagedChannel channel = channel(ATTACKER);
                stalled.add(channel);
                EventsGrpc.newStub(channel).subscribe(request, new Subscriber(true));
            }
            Thread.sleep(500);
            long start = System.nanoTime();
            long deadline = start + 30_000_000_000L;
            for (; created < 20_000 && System.nanoTime() < deadline; created++) {
                Files.writeString(watched.resolve("f" + created), "x");
            }
            createSeconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep(1_000);
        } finally {
            stalled.forEach(ManagedChannel::shutdownNow);
            for (ManagedChannel channel : stalled) {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        ManagedChannel fresh = NettyChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext().build();
        try {
            Subscriber one = new Subscriber(false);
            EventsGrpc.newStub(fresh).subscribe(request, one);
            one.headerOrEnd.await(2, TimeUnit.SECONDS);
            one.cancel();
            String first = one.headerMillis >= 0 ? String.format("header in %.1f ms", one.headerMillis)
                    : one.status != null ? "ended without a header: " + describe(one.status) : "no header within 2 s";
            Thread.sleep(500);
            List<Subscriber> all = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                Subscriber s = new Subscriber(false);
                all.add(s);
                EventsGrpc.newStub(fresh).subscribe(request, s);
            }
            long deadline = System.nanoTime() + 3_000_000_000L;
            for (Subscriber s : all) {
                s.headerOrEnd.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            all.forEach(Subscriber::cancel);
            long headers = all.stream().filter(s -> s.headerMillis >= 0).count();
            double slowest = all.stream().mapToDouble(s -> s.headerMillis).max().orElse(-1);
            Map<String, Long> refused = all.stream().filter(s -> s.headerMillis < 0)
                    .collect(Collectors.groupingBy(s -> s.status == null ? "no answer in 3 s" : describe(s.status), TreeMap::new,
                            Collectors.counting()));
            return new Outcome(String.format("8 stalled subscribers, %d files created in %.1f s, subscribers shut down: a new "
                    + "subscriber's %s; then 64 at once: %d headers (slowest %.0f ms)%s", created, createSeconds, first, headers, slowest,
                    refused.isEmpty() ? "" : ", refused " + refused), one.headerMillis >= 0 && one.headerMillis < 2_000 && headers == 64);
        } finally {
            fresh.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    // 3 -------------------------------------------------------------------------------------------------------------

    private Outcome slowBodies() throws Exception {
        int count = 200;
        byte[] half = " ".repeat(50_000).getBytes(StandardCharsets.US_ASCII);
        List<LoopbackHttp> connections = new ArrayList<>();
        int[] status = new int[count];
        double[] at = new double[count];
        AtomicBoolean closing = new AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                LoopbackHttp c = new LoopbackHttp(ATTACKER, service.port(), 0, 13_000);
                connections.add(c);
                c.sendPostHead("/v1/queries", 100_000);
                c.sendRaw(half);
                long sent = System.nanoTime();
                int index = i;
                status[i] = -1;
                readers.add(Thread.ofVirtual().start(() -> {
                    try {
                        status[index] = c.read(sent).status();
                    } catch (IOException e) {
                        status[index] = closing.get() ? -1 : 0;
                    }
                    at[index] = (System.nanoTime() - sent) / 1e9;
                }));
            }
            Thread.sleep(12_000);
        } finally {
            closing.set(true);
            connections.forEach(LoopbackHttp::close);
            for (Thread reader : readers) {
                reader.join(2_000);
            }
        }
        int answered408 = 0;
        int closed = 0;
        int open = 0;
        Map<Integer, Integer> other = new TreeMap<>();
        double first = Double.MAX_VALUE;
        double last = 0;
        for (int i = 0; i < connections.size(); i++) {
            switch (status[i]) {
                case 408 -> answered408++;
                case 0 -> closed++;
                case -1 -> open++;
                default -> other.merge(status[i], 1, Integer::sum);
            }
            if (status[i] >= 0) {
                first = Math.min(first, at[i]);
                last = Math.max(last, at[i]);
            }
        }
        String when = first <= last ? String.format(" (ended %.1f-%.1f s after their half body)", first, last) : "";
        return new Outcome(String.format("%d connections sent POST headers (Content-Length 100000) and half the body, held 12 s: "
                + "%d answered 408, %d closed without an answer, %d other %s, %d still open%s", connections.size(), answered408, closed,
                other.values().stream().mapToInt(Integer::intValue).sum(), other, open, when),
                connections.size() == count && answered408 + closed == count);
    }

    // 4 -------------------------------------------------------------------------------------------------------------

    private Outcome likeBacktracking() throws Exception {
        String pattern = names + "/%_%_%_%_%_%_%_%_%_%_%_%_%_%_%_%_%_%_%!";
        LoopbackHttp.Answer answer;
        try (LoopbackHttp http = new LoopbackHttp(ATTACKER, service.port(), 10_000)) {
            answer = http.post("/v1/queries", LoopbackHttp.query("SELECT count(*) FROM file WHERE path LIKE '" + pattern + "'", 2_000));
        }
        return new Outcome(String.format("LIKE '<dir>/%%_ x18 then %%!' over 5 files with 60-character names, 2 s limit: %s in %.1f ms%s",
                answer.label(), answer.millis(), answer.ok() ? ", count " + answer.firstValue() : ""),
                answer.status() > 0 && answer.status() < 500 && answer.millis() < 2_500);
    }

    // 5 -------------------------------------------------------------------------------------------------------------

    private Outcome sparseHash() throws Exception {
        byte[] body = LoopbackHttp.query("SELECT sha256 FROM hash WHERE path = '" + sparse + "'", 1_000);
        List<LoopbackHttp.Answer> answers = parallel(4, () -> {
            try (LoopbackHttp http = new LoopbackHttp(ATTACKER, service.port(), 10_000)) {
                return http.post("/v1/queries", body);
            }
        });
        boolean ok = answers.stream().allMatch(a -> a.status() > 0 && a.status() < 500 && a.millis() < 3_000);
        return new Outcome("4 parallel sha256 of a 10 GiB sparse file, 1 s limit: " + answers.stream()
                .map(a -> String.format("%s%s in %.0f ms", a.label(), a.ok() ? " sha256 " + shorten(a.firstValue()) : "", a.millis()))
                .collect(Collectors.joining(", ")), ok);
    }

    // 6 -------------------------------------------------------------------------------------------------------------

    private Outcome unreadResults() throws Exception {
        byte[] body = LoopbackHttp.query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 300000) "
                + "SELECT x, hex(randomblob(100)) FROM c", 0, 67_108_864);
        List<LoopbackHttp> connections = new ArrayList<>();
        int sentBytes = 0;
        try {
            for (int i = 0; i < 20; i++) {
                LoopbackHttp c = new LoopbackHttp(ATTACKER, service.port(), 4_096, 1_000);
                connections.add(c);
                c.sendPostHead("/v1/queries", body.length);
                c.sendRaw(body);
            }
            Thread.sleep(8_000);
            for (LoopbackHttp c : connections) {
                if (c.unread() > 0) {
                    sentBytes++;
                }
            }
        } finally {
            connections.forEach(LoopbackHttp::close);
        }
        long peak = sampler.peakRss();
        return new Outcome(String.format("20 connections with 4 KiB receive buffers asked for a 60 MB result each (max_result_bytes 64 MiB) "
                + "and read nothing for 8 s: %d of 20 had been sent bytes; RSS peak %.1f MiB vs %.1f before (+%.1f MiB)", sentBytes,
                peak / 1048576.0, rssBefore / 1048576.0, (peak - rssBefore) / 1048576.0), peak - rssBefore < RSS_GROWTH);
    }

    // 7 -------------------------------------------------------------------------------------------------------------

    private Outcome distinctGigabyte() throws Exception {
        LoopbackHttp.Answer answer;
        try (LoopbackHttp http = new LoopbackHttp(ATTACKER, service.port(), 20_000)) {
            answer = http.post("/v1/queries", LoopbackHttp.query("SELECT count(DISTINCT b) FROM (WITH RECURSIVE c(x) AS (SELECT 1 "
                    + "UNION ALL SELECT x+1 FROM c LIMIT 2000000) SELECT randomblob(500) AS b FROM c)", 10_000));
        }
        long tmp = sampler.peakTmp();
        boolean ok = answer.status() == 422 && "limit_exceeded".equals(answer.code())
                && ("memory".equals(answer.limit()) || "timeout_ms".equals(answer.limit())) && tmp == 0;
        return new Outcome(String.format("count(DISTINCT) over 2,000,000 blobs of 500 bytes (1 GB), 10 s limit: %s in %.0f ms; "
                + "temp disk peak %s", answer.label(), answer.millis(), bytes(tmp)), ok);
    }

    // 8 -------------------------------------------------------------------------------------------------------------

    private Outcome memoryHog() throws Exception {
        AtomicBoolean hogDone = new AtomicBoolean();
        AtomicInteger small = new AtomicInteger();
        Map<String, Integer> failed = Collections.synchronizedMap(new TreeMap<>());
        byte[] smallQuery = LoopbackHttp.query("SELECT pid FROM processes LIMIT 5", 5_000);
        byte[] hogQuery = LoopbackHttp.query("SELECT count(*) FROM (SELECT DISTINCT randomblob(1000) FROM (WITH RECURSIVE c(x) AS "
                + "(SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 240000) SELECT x FROM c))", 20_000);
        LoopbackHttp.Answer hog;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            List<Future<?>> victims = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                victims.add(pool.submit(() -> {
                    LoopbackHttp http = null;
                    try {
                        for (int n = 0; n < 2_000 && !hogDone.get() && System.nanoTime() < deadline; n++) {
                            try {
                                if (http == null) {
                                    http = new LoopbackHttp(PROBE, service.port(), 10_000);
                                }
                                LoopbackHttp.Answer a = http.post("/v1/queries", smallQuery);
                                small.incrementAndGet();
                                if (!a.ok()) {
                                    failed.merge(a.label(), 1, Integer::sum);
                                }
                                if (!http.reusable()) {
                                    http.close();
                                    http = null;
                                }
                            } catch (IOException e) {
                                small.incrementAndGet();
                                failed.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                                if (http != null) {
                                    http.close();
                                    http = null;
                                }
                            }
                            Thread.sleep(50);
                        }
                    } finally {
                        if (http != null) {
                            http.close();
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(100);
            try (LoopbackHttp http = new LoopbackHttp(ATTACKER, service.port(), 30_000)) {
                hog = http.post("/v1/queries", hogQuery);
            } finally {
                Thread.sleep(200);
                hogDone.set(true);
            }
            for (Future<?> victim : victims) {
                victim.get(15, TimeUnit.SECONDS);
            }
        }
        int failures;
        synchronized (failed) {
            failures = failed.values().stream().mapToInt(Integer::intValue).sum();
        }
        return new Outcome(String.format("DISTINCT over 240,000 blobs of 1000 bytes (240 MB): %s in %.0f ms; meanwhile 4 clients from "
                + "127.0.0.1 ran %d small queries (SELECT pid FROM processes LIMIT 5): %d failed%s", hog.label(), hog.millis(), small.get(),
                failures, failures == 0 ? "" : " " + failed), failures == 0 && small.get() > 0);
    }

    // 9 -------------------------------------------------------------------------------------------------------------

    private Outcome endless() throws Exception {
        byte[] body = LoopbackHttp.query(ENDLESS + " SELECT count(*) FROM c", 5_000);
        List<LoopbackHttp.Answer> answers = parallel(10, () -> {
            try (LoopbackHttp http = new LoopbackHttp(ATTACKER, service.port(), 15_000)) {
                return http.post("/v1/queries", body);
            }
        });
        Map<String, Long> labels = answers.stream().collect(Collectors.groupingBy(LoopbackHttp.Answer::label, TreeMap::new,
                Collectors.counting()));
        double slowest = answers.stream().mapToDouble(LoopbackHttp.Answer::millis).max().orElse(0);
        boolean ok = answers.stream().allMatch(a -> a.status() > 0 && a.millis() < 7_000);
        return new Outcome(String.format("10 endless recursive counts at once, 5 s limit: %s, the last after %.1f s; before the fixes "
                + "the probe's SELECT 1 waited 9.5 s", labels, slowest / 1000), ok);
    }

    // 10 ------------------------------------------------------------------------------------------------------------

    private Outcome escapes() throws Exception {
        LoopbackHttp.Answer stmt;
        LoopbackHttp.Answer filter;
        LoopbackHttp.Answer cursor;
        try (LoopbackHttp http = new LoopbackHttp(ATTACKER, service.port(), 3_000)) {
            stmt = http.post("/v1/queries", LoopbackHttp.query("SELECT sql FROM sqlite_stmt", 2_000));
        }
        String union = URLEncoder.encode("1) UNION SELECT * FROM shadow --", StandardCharsets.UTF_8).replace("+", "%20");
        try (LoopbackHttp http = new LoopbackHttp(ATTACKER, service.port(), 3_000)) {
            filter = http.get("/v1/events/file_events/stream?filter=" + union);
        }
        try (LoopbackHttp http = new LoopbackHttp(ATTACKER, service.port(), 3_000)) {
            cursor = http.get("/v1/events/file_events/stream?cursor=9223372036854775807");
        }
        boolean ok = stmt.status() == 403 && "read_only".equals(stmt.code()) && filter.status() == 400 && cursor.status() == 400;
        return new Outcome(String.format("SELECT sql FROM sqlite_stmt: %s%n%s%-26s %s%n%s%-26s %s", stmt.label(), INDENT,
                "SSE filter '1) UNION SELECT * FROM shadow --':", filter.label(), INDENT, "SSE cursor=9223372036854775807:",
                cursor.label()), ok);
    }

    // ---------------------------------------------------------------------------------------------------------------

    interface Call<T> {
        T call() throws Exception;
    }

    /** Runs {@code n} copies of a call at once on virtual threads, released together; returns their results in order. */
    private static <T> List<T> parallel(int n, Call<T> call) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.call();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        }
    }

    /** A gRPC channel to the service whose socket is bound to {@code local} before it connects. */
    private ManagedChannel channel(String local) {
        return NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", service.port())).usePlaintext()
                .eventLoopGroup(group).channelFactory(() -> new BoundSocketChannel(local)).build();
    }

    /** A client socket channel that binds to a chosen local address when the bootstrap connects without one. */
    static final class BoundSocketChannel extends NioSocketChannel {
        private final String local;

        BoundSocketChannel(String local) {
            this.local = local;
        }

        @Override
        protected boolean doConnect(SocketAddress remote, SocketAddress localAddress) throws Exception {
            boolean connected = super.doConnect(remote, localAddress != null ? localAddress : new InetSocketAddress(local, 0));
            GRPC_LOCAL.compareAndSet(null, String.valueOf(javaChannel().getLocalAddress()));
            return connected;
        }
    }

    private static String describe(Status status) {
        String description = status.getDescription();
        return status.getCode() + (description == null ? "" : " " + (description.length() > 80 ? description.substring(0, 80) + "…"
                : description));
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    private static String shorten(String value) {
        return value == null ? "none" : value.length() > 20 ? value.substring(0, 17) + "…\"" : value;
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        return n < 1 << 20 ? String.format("%.1f KiB", n / 1024.0) : String.format("%.1f MiB", n / 1048576.0);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            System.err.println("could not remove " + root + ": " + e);
        }
    }
}
