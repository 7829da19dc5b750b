package dev.hostquery.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What authentication costs a request: the packaged service with a tokens file and a certificate, asked the same
 * small query ({@code SELECT 1}) over one kept-alive connection, anonymously (loopback) and with a bearer token, over
 * plain HTTP and over TLS (the session reused: one connection). Prints the median of each and the ratio token /
 * anonymous (goal: at most 1.1), then the size of the image bin/image built, if podman has it.
 */
public final class AuthBenchmark {
    private static final int WARMUP = 10_000;
    private static final int ROUNDS = 5;
    private static final int PER_ROUND = 2_000;
    private static final String BODY = "{\"sql\": \"SELECT 1\"}";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getProperty("bench.dir", Files.createTempDirectory("hostquery-auth-bench").toString()));
        ServiceProcess.selfSignedCertificate(dir);
        String token = ServiceProcess.issueToken(dir.resolve("tokens"), "bench", "reader");
        int tlsPort = ServiceProcess.freePort();
        try (ServiceProcess service = ServiceProcess.start("-Dhostquery.security.tokens-file=" + dir.resolve("tokens"),
                "-Dquarkus.http.ssl-port=" + tlsPort, "-Dquarkus.tls.key-store.pem.0.cert=" + dir.resolve("tls.crt"),
                "-Dquarkus.tls.key-store.pem.0.key=" + dir.resolve("tls.key"))) {
            service.awaitHealthy(Duration.ofSeconds(60));
            HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpClient tls = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trusting(dir.resolve("tls.crt"))).build();
            URI plainUri = URI.create("http://127.0.0.1:" + service.port() + "/v1/queries");
            URI tlsUri = URI.create("https://127.0.0.1:" + tlsPort + "/v1/queries");
            System.out.printf("hostquery authentication benchmark: %d cores, SELECT 1, one kept-alive connection, %d x %d requests%n",
                    Runtime.getRuntime().availableProcessors(), ROUNDS, PER_ROUND);
            warm(plain, plainUri, token);
            warm(tls, tlsUri, token);
            double[][] plainMs = rounds(plain, plainUri, token);
            double[][] tlsMs = rounds(tls, tlsUri, token);
            report("plain HTTP", plainMs);
            report("TLS", tlsMs);
        }
        imageSize();
    }

    /** Both paths of both transports until the JIT has compiled them, client and server. */
    private static void warm(HttpClient client, URI uri, String token) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            send(client, uri, (i & 1) == 0 ? null : token);
        }
    }

    /**
     * [0]: anonymous medians per round, [1]: token medians per round, microseconds. The two alternate which goes
     * first, so that the machine's drift falls on both alike.
     */
    private static double[][] rounds(HttpClient client, URI uri, String token) throws Exception {
        double[][] result = new double[2][ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            if ((r & 1) == 0) {
                result[0][r] = medianMicros(client, uri, null);
                result[1][r] = medianMicros(client, uri, token);
            } else {
                result[1][r] = medianMicros(client, uri, token);
                result[0][r] = medianMicros(client, uri, null);
            }
        }
        return result;
    }

    private static void report(String transport, double[][] ms) {
        double anonymous = Benchmark.median(ms[0]);
        double withToken = Benchmark.median(ms[1]);
        System.out.printf("%-11s anonymous %7.1f µs, bearer token %7.1f µs: ratio %.3f (goal <= 1.1)%n", transport + ":",
                anonymous, withToken, withToken / anonymous);
    }

    private static double medianMicros(HttpClient client, URI uri, String token) throws Exception {
        double[] us = new double[PER_ROUND];
        for (int i = 0; i < PER_ROUND; i++) {
            long t0 = System.nanoTime();
            send(client, uri, token);
            us[i] = (System.nanoTime() - t0) / 1e3;
        }
        return Benchmark.median(us);
    }

    private static void send(HttpClient client, URI uri, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    private static SSLContext trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("bench", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** The size podman reports for the images bin/image built, if any. */
    private static void imageSize() throws Exception {
        try {
            Process p = new ProcessBuilder("podman", "images", "--filter", "reference=localhost/hostquery", "--format",
                    "{{.Repository}}:{{.Tag}} {{.Size}}").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor(30, TimeUnit.SECONDS);
            System.out.println(out.isEmpty() || p.exitValue() != 0 ? "image: none built (bin/image builds it)"
                    : "image: " + out.replace("\n", "; ") + " (goal: under 150 MiB)");
        } catch (java.io.IOException e) {
            System.out.println("image: podman is not installed");
        }
    }
}
