package dev.hostquery.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged hostquery application (quarkus-run.jar) started as a child process on a free loopback port,
 * with a fresh event store in a temporary directory, for black-box tests and the benchmark. {@link #close()}
 * stops it with SIGTERM, then SIGKILL after 10 s, and removes the store.
 */
public final class ServiceProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final long startNanos;
    private final Path log;
    private final Path store;
    private final Path socket;
    private long healthyNanos = -1;

    private ServiceProcess(Process process, int port, long startNanos, Path log, Path store, Path socket) {
        this.store = store;
        this.socket = socket;
        this.process = process;
        this.port = port;
        this.startNanos = startNanos;
        this.log = log;
    }

    /** The jar named by the hostquery.app system property, else query-service's build output. */
    public static Path jar() {
        String configured = System.getProperty("hostquery.app");
        Path jar = configured != null ? Path.of(configured) : Path.of("query-service/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no packaged application at " + jar.toAbsolutePath()
                    + ": build it first (mvn -pl query-service -am package -DskipTests)");
        }
        return jar;
    }

    /** Starts the service with a fresh temporary event store and extra -D options; does not wait for it. */
    public static ServiceProcess start(String... options) throws IOException {
        return start(Files.createTempDirectory("hostquery-events-"), true, options);
    }

    /** Starts the service on an existing event store, which {@link #close()} leaves in place. */
    public static ServiceProcess startOn(Path store, String... options) throws IOException {
        return start(store, false, options);
    }

    private static ServiceProcess start(Path store, boolean ownsStore, String... options) throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dhostquery.events.store-path=" + store);
        // a Unix socket of its own, beside its log: several services run at once in the tests and the benchmarks
        // (mode 0755: whoever the socket's group lets in must reach it; the socket itself is 0660)
        Path socketDir = Files.createTempDirectory("hostquery-socket-",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        socketDir.toFile().deleteOnExit();
        Path socket = socketDir.resolve("hostquery.sock");
        command.add("-Dquarkus.http.domain-socket=" + socket);
        command.addAll(List.of(options));
        command.add("-jar");
        command.add(jar().toString());
        Path log = Files.createTempFile("hostquery-", ".log");
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServiceProcess(process, port, start, log, ownsStore ? store : null, socket);
    }

    /** A loopback port nothing listens on now, for a service or a listener of a test. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Writes a self-signed certificate for localhost and 127.0.0.1 (EC P-256, a day long) as {@code tls.crt} and
     * {@code tls.key} in {@code dir}, made by openssl, to start the service with TLS.
     *
     * @throws IllegalStateException with openssl's output when it fails
     */
    public static void selfSignedCertificate(Path dir) throws IOException, InterruptedException {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", dir.resolve("tls.key").toString(), "-out", dir.resolve("tls.crt").toString())
                .redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes());
        if (!openssl.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || openssl.exitValue() != 0) {
            throw new IllegalStateException("openssl could not make a certificate: " + output);
        }
    }

    /**
     * Issues a bearer token as the README says: 32 random bytes in hex, its SHA-256 with a name and roles written
     * as the tokens file's one line.
     *
     * @return the token
     */
    public static String issueToken(Path tokensFile, String name, String roles) throws IOException {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String token = java.util.HexFormat.of().formatHex(random);
        try {
            String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            Files.writeString(tokensFile, hash + " " + name + " " + roles + "\n");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        return token;
    }

    /** Waits until /q/health/ready answers 200; returns the time from start to healthy, milliseconds. */
    public double awaitHealthy(Duration timeout) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("hostquery exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    healthyNanos = System.nanoTime();
                    return (healthyNanos - startNanos) / 1e6;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("hostquery was not healthy within " + timeout + ":\n" + output());
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The service's Unix socket (in a directory of its own). */
    public Path socket() {
        return socket;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** Resident memory of the service process (VmRSS of /proc/<pid>/status), bytes. */
    public long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for pid " + process.pid());
    }

    /** Everything the service printed so far. */
    public String output() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        Files.deleteIfExists(log);
        if (store != null) {
            try (var files = Files.walk(store)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Kills the service with SIGKILL and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }


}
