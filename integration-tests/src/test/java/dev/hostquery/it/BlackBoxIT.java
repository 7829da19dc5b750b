package dev.hostquery.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hostquery.bench.ServiceProcess;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged application as an operator runs it: java -jar quarkus-run.jar, as a separate process. */
class BlackBoxIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> query(ServiceProcess service, String sql) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(service.uri("/v1/queries")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"" + sql + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void startsAnswersAndStopsOnSigterm() throws Exception {
        ServiceProcess service = ServiceProcess.start();
        try (service) {
            double ms = service.awaitHealthy(Duration.ofSeconds(60));
            assertThat(ms).isPositive();
            HttpResponse<String> r = query(service, "SELECT count(*) AS n FROM processes");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"row_count\":1");
            assertThat(service.output()).containsPattern("query engine ready: \\d+ tables");
            service.process().destroy();
            assertThat(service.process().waitFor(15, TimeUnit.SECONDS)).as("exits within 15 s of SIGTERM").isTrue();
            assertThat(service.process().exitValue()).isIn(0, 143);
        }
    }

    @Test
    void listensOnLoopbackOnlyByDefault() throws Exception {
        Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address to try");
        try (ServiceProcess service = ServiceProcess.start()) {
            service.awaitHealthy(Duration.ofSeconds(60));
            try (Socket loopback = new Socket()) {
                loopback.connect(new InetSocketAddress("127.0.0.1", service.port()), 2_000);
            }
            boolean refused;
            try (Socket outside = new Socket()) {
                outside.connect(new InetSocketAddress(external.get(), service.port()), 2_000);
                refused = false;
            } catch (ConnectException e) {
                refused = true;
            }
            assertThat(refused).as("connection to %s:%d", external.get(), service.port()).isTrue();
        }
    }

    @Test
    void readsTheHostUnderAConfiguredRoot(@TempDir Path host) throws Exception {
        Files.createDirectories(host.resolve("etc"));
        Files.writeString(host.resolve("etc/passwd"), "fixture:x:4242:4242:Fixture User:/home/fixture:/bin/sh\n");
        try (ServiceProcess service = ServiceProcess.start("-Dhostquery.host-root=" + host)) {
            service.awaitHealthy(Duration.ofSeconds(60));
            HttpResponse<String> r = query(service, "SELECT username, uid FROM users");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"username\":\"fixture\"", "\"uid\":4242").doesNotContain("\"root\"");
        }
    }

    /**
     * The output of a service whose start was refused: it exits within 60 s with a status other than 0, having
     * said why in its log without a stack trace.
     */
    static String refusedStart(ServiceProcess service) throws Exception {
        assertThat(service.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(service.process().exitValue()).isNotZero();
        String output = service.output();
        assertThat(output).doesNotContain("\tat ");
        return output;
    }

    @Test
    void refusesToListenOffLoopbackWithoutTlsAndAuthentication() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("-Dquarkus.http.host=0.0.0.0")) {
            assertThat(refusedStart(service)).contains("hostquery cannot start: quarkus.http.host=0.0.0.0 is not loopback, so it "
                    + "needs TLS and authentication: add a certificate (quarkus.tls.key-store.pem.0.cert and .key), "
                    + "quarkus.http.insecure-requests=disabled, authentication (");
        }
        try (ServiceProcess service = ServiceProcess.start("-Dquarkus.http.host=0.0.0.0", "-Dhostquery.security.insecure=true")) {
            service.awaitHealthy(Duration.ofSeconds(60));
            assertThat(service.output()).contains("WARN").contains("INSECURE: quarkus.http.host=0.0.0.0 is not loopback");
        }
    }

    @Test
    void listensOffLoopbackWithTlsAndTokens(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "needs openssl to make a certificate");
        ServiceProcess.selfSignedCertificate(dir);
        Files.writeString(dir.resolve("tokens"), "0".repeat(64) + " nobody reader\n");
        int port = ServiceProcess.freePort();
        try (ServiceProcess service = ServiceProcess.start("-Dquarkus.http.host=0.0.0.0", "-Dquarkus.http.insecure-requests=disabled",
                "-Dquarkus.http.ssl-port=" + port, "-Dquarkus.tls.key-store.pem.0.cert=" + dir.resolve("tls.crt"),
                "-Dquarkus.tls.key-store.pem.0.key=" + dir.resolve("tls.key"), "-Dhostquery.security.tokens-file=" + dir.resolve("tokens"))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!service.output().contains("Listening on") && service.process().isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(1_000);
            assertThat(service.process().isAlive()).as(service.output()).isTrue();
            assertThat(service.output()).contains("Listening on: https://0.0.0.0:" + port).doesNotContain("cannot start");
        }
    }

    @Test
    void refusesToStartOnABadHostRoot() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("-Dhostquery.host-root=/no/such/dir")) {
            assertThat(refusedStart(service)).contains("hostquery cannot start: hostquery.host-root '/no/such/dir' is not a directory")
                    ;
        }
    }

    @Test
    void refusesToShareAnEventStoreWithAnotherInstance(@TempDir Path store) throws Exception {
        try (ServiceProcess first = ServiceProcess.startOn(store)) {
            first.awaitHealthy(Duration.ofSeconds(60));
            try (ServiceProcess second = ServiceProcess.startOn(store)) {
                assertThat(refusedStart(second)).contains("hostquery cannot start: cannot open the event store at " + store)
                        ;
            }
            assertThat(query(first, "SELECT 1 AS one").statusCode()).isEqualTo(200);
        }
    }

    /** curl as nobody (setpriv), over loopback TCP or the service's Unix socket; the HTTP status and body. */
    private static String curlAsNobody(ServiceProcess service, boolean socket, String sql) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("setpriv", "--reuid=nobody", "--regid=nogroup",
                "--clear-groups", "curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}", "-H", "Content-Type: application/json",
                "-d", "{\"sql\": \"" + sql + "\"}"));
        if (socket) {
            command.addAll(java.util.List.of("--unix-socket", service.socket().toString(), "http://localhost/v1/queries"));
        } else {
            command.add(service.uri("/v1/queries").toString());
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void withTheDefaultsNobodyReadsNothingSensitive() throws Exception {
        assumeTrue(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip().equals("0"),
                "needs root: setpriv switches to nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "needs curl");
        // the defaults, but for the socket's group: nogroup, so that nobody may connect at all
        try (ServiceProcess service = ServiceProcess.start("-Dhostquery.security.unix-socket.group=nogroup")) {
            service.awaitHealthy(Duration.ofSeconds(60));
            for (boolean socket : new boolean[] {false, true}) {
                assertThat(curlAsNobody(service, socket, "SELECT count(*) AS n FROM processes")).endsWith("\n200");
                for (String sql : java.util.List.of("SELECT * FROM process_envs LIMIT 1", "SELECT * FROM shadow",
                        "SELECT sha256 FROM hash WHERE path = '/etc/shadow'")) {
                    String out = curlAsNobody(service, socket, sql);
                    assertThat(out).as("%s over %s", sql, socket ? "the Unix socket" : "loopback").endsWith("\n403")
                            .contains("\"code\":\"forbidden\"").contains("needs role sensitive");
                }
            }
        }
    }

    @Test
    void refusesCertificateMappingsWithoutATrustStore() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("-Dhostquery.security.client-certificates.\"DNS:ci.example\"=reader")) {
            assertThat(refusedStart(service)).contains("hostquery cannot start: hostquery.security.client-certificates maps "
                    + "certificates, but no trust store says which CA signs them");
        }
    }

    @Test
    void aViewThatDoesNotWorkStopsTheStartNamingIt() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("-Dhostquery.views.broken=SELECT * FROM no_such_table")) {
            assertThat(refusedStart(service)).contains("hostquery cannot start: view 'broken' (hostquery.views.broken): ")
                    .contains("no such table");
        }
    }

    @Test
    void aMissingTokensFileStopsTheStartNamingIt() throws Exception {
        try (ServiceProcess service = ServiceProcess.start("-Dhostquery.security.tokens-file=/no/such/tokens")) {
            assertThat(refusedStart(service)).contains("hostquery cannot start: hostquery.security.tokens-file /no/such/tokens cannot "
                    + "be read: no such file");
        }
    }
}
