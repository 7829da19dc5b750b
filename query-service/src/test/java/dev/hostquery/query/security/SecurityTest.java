package dev.hostquery.query.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostquery.grpc.v1.CatalogGrpc;
import dev.hostquery.grpc.v1.EventsGrpc;
import dev.hostquery.grpc.v1.ListTablesRequest;
import dev.hostquery.grpc.v1.QueryGrpc;
import dev.hostquery.grpc.v1.QueryRequest;
import dev.hostquery.grpc.v1.SubscribeRequest;
import dev.hostquery.grpc.v1.SubscribeResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * Every way in, and every refusal, over the real transports: REST and SSE (JDK HTTP client, plain and TLS), gRPC
 * (Netty, TCP and the Unix socket), curl on the Unix socket as root and as nobody, a Kubernetes API stand-in.
 */
@QuarkusTest
@TestProfile(SecurityProfile.class)
class SecurityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHADOW_SUBQUERY = "SELECT pid FROM processes WHERE uid IN (SELECT 0 FROM shadow LIMIT 1)";

    @TestHTTPResource
    URL url;

    @TestHTTPResource(tls = true)
    URL tlsUrl;

    record Reply(int status, JsonNode body, java.util.Map<String, List<String>> headers) {
        String code() {
            return body.path("code").asText();
        }

        String detail() {
            return body.path("detail").asText();
        }
    }

    private Reply post(String path, String token, String json) throws Exception {
        return send(HttpClient.newHttpClient(), URI.create(url.toString()).resolve(path), token, json);
    }

    private static Reply send(HttpClient client, URI uri, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        return new Reply(r.statusCode(), body, r.headers().map());
    }

    private Reply query(String token, String sql) throws Exception {
        return post("/v1/queries", token, JSON.createObjectNode().put("sql", sql).toString());
    }

    // ---- REST ------------------------------------------------------------------------------------------

    @Test
    void restWithoutCredentialsIs401WithAChallenge() throws Exception {
        Reply r = query(null, "SELECT 1");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("unauthenticated");
        assertThat(r.headers().get("www-authenticate")).containsExactly("Bearer realm=\"hostquery\"");
        assertThat(post("/v1/tables", null, null).status()).isEqualTo(401);
        // the probes stay open: kubelet has no token
        assertThat(post("/q/health/live", null, null).status()).isEqualTo(200);
    }

    @Test
    void unknownTokenIs401AndNeverEchoed() throws Exception {
        String token = "not-a-token-anybody-issued-0123456789";
        Reply r = query(token, "SELECT 1");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.detail()).contains("not known").doesNotContain(token);
        assertThat(query("", "SELECT 1").status()).isEqualTo(401);
        HttpResponse<String> basic = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "v1/tables"))
                .header("Authorization", "Basic dXNlcjpwYXNz").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(basic.statusCode()).isEqualTo(401);
        assertThat(basic.body()).contains("not 'Bearer <token>'");
    }

    @Test
    void readerReadsOrdinaryTablesButNoSensitiveOneByAnyPath() throws Exception {
        Reply ok = query(SecurityProfile.READER, "SELECT count(*) AS n FROM processes");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body().path("rows").get(0).path("n").asLong()).isPositive();
        for (String sql : List.of("SELECT * FROM shadow", "SELECT count(*) FROM shadow", SHADOW_SUBQUERY,
                "SELECT p.pid FROM processes p JOIN shadow s ON s.username = p.name",
                "WITH s AS (SELECT * FROM shadow) SELECT * FROM s", "SELECT key FROM process_envs LIMIT 1")) {
            Reply r = query(SecurityProfile.READER, sql);
            assertThat(r.status()).as(sql).isEqualTo(403);
            assertThat(r.code()).as(sql).isEqualTo("forbidden");
            assertThat(r.detail()).as(sql).contains("needs role sensitive or admin").contains("[reader]");
        }
        for (String path : List.of("/etc/shadow", "/usr/../etc/shadow")) {
            Reply r = query(SecurityProfile.READER, "SELECT sha256 FROM hash WHERE path = '" + path + "'");
            assertThat(r.status()).as(path).isEqualTo(403);
            assertThat(r.detail()).contains("/etc/shadow").contains("reader-paths").contains("sensitive");
        }
        Reply usr = query(SecurityProfile.READER, "SELECT path FROM file WHERE path = '/usr/bin'");
        assertThat(usr.status()).isEqualTo(200);
    }

    @Test
    void aStatementPreparedForOnePrincipalIsCheckedAgainForTheNext() throws Exception {
        // WHERE 0: SQLite never starts the scan, so only the engine's check of the cached statement can refuse it
        String sql = "SELECT count(*) AS n FROM shadow WHERE 0";
        // prepared (and cached) on every connection by a principal that may read it ...
        for (int i = 0; i < 8; i++) {
            assertThat(query(SecurityProfile.AUDITOR, sql).status()).isEqualTo(200);
        }
        // ... and refused to one that may not, whichever connection it gets
        for (int i = 0; i < 8; i++) {
            assertThat(query(SecurityProfile.READER, sql).status()).isEqualTo(403);
        }
    }

    @Test
    void catalogShowsSensitivityAndWhatTheCallerMayRead() throws Exception {
        Reply shadow = post("/v1/tables/shadow", SecurityProfile.READER, null);
        assertThat(shadow.body().path("sensitivity").asText()).isEqualTo("sensitive");
        assertThat(shadow.body().path("sensitivity_reason").asText()).contains("/etc/shadow");
        assertThat(shadow.body().path("readable").asBoolean()).isFalse();
        assertThat(post("/v1/tables/shadow", SecurityProfile.AUDITOR, null).body().path("readable").asBoolean()).isTrue();
        Reply hash = post("/v1/tables/hash", SecurityProfile.READER, null);
        assertThat(hash.body().path("sensitivity").asText()).isEqualTo("paths");
        Reply processes = post("/v1/tables/processes", SecurityProfile.READER, null);
        assertThat(processes.body().path("sensitivity").asText()).isEqualTo("none");
        assertThat(processes.body().has("sensitivity_reason")).isFalse();
        assertThat(processes.body().path("readable").asBoolean()).isTrue();
    }

    @Test
    void sseNeedsCredentialsAndTheEventsRole() throws Exception {
        assertThat(post("/v1/events/file_events/stream", null, null).status()).isEqualTo(401);
        Reply reader = post("/v1/events/file_events/stream", SecurityProfile.READER, null);
        assertThat(reader.status()).isEqualTo(403);
        assertThat(reader.detail()).contains("need role events");
        Reply limited = post("/v1/events/file_events/stream", SecurityProfile.LIMITED, null);
        assertThat(limited.status()).isEqualTo(403);
        assertThat(limited.detail()).contains("table file_events").contains("limited");
    }

    @Test
    void subscriberGetsItsStreamAndAtMostItsShareOfThem() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        List<HttpResponse<java.io.InputStream>> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                HttpResponse<java.io.InputStream> r = client.send(HttpRequest.newBuilder(URI.create(url + "v1/events/file_events/stream"))
                        .header("Authorization", "Bearer " + SecurityProfile.SUBSCRIBER).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(r.statusCode()).isEqualTo(200);
                open.add(r);
            }
            Reply third = post("/v1/events/file_events/stream", SecurityProfile.SUBSCRIBER, null);
            assertThat(third.status()).isEqualTo(503);
            assertThat(third.detail()).contains("max-subscriptions-per-principal");
        } finally {
            for (var r : open) {
                r.body().close();
            }
        }
        // closed streams give their slots back (an HTTP/2 client resets its stream, which the SSE sink does not see)
        long deadline = System.nanoTime() + 5_000_000_000L;
        int status;
        do {
            HttpResponse<java.io.InputStream> again = client.send(HttpRequest.newBuilder(URI.create(url + "v1/events/file_events/stream"))
                    .header("Authorization", "Bearer " + SecurityProfile.SUBSCRIBER).build(), HttpResponse.BodyHandlers.ofInputStream());
            status = again.statusCode();
            again.body().close();
            if (status != 200) {
                Thread.sleep(100);
            }
        } while (status != 200 && System.nanoTime() < deadline);
        assertThat(status).as("a closed stream's slot is free again").isEqualTo(200);
    }

    // ---- gRPC ------------------------------------------------------------------------------------------

    private ManagedChannel channel(String token) {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext();
        if (token != null) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
            b.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return b.build();
    }

    @Test
    void grpcRefusesWithTheStatusesOfTheProtocol() throws Exception {
        ManagedChannel none = channel(null);
        ManagedChannel reader = channel(SecurityProfile.READER);
        try {
            assertThatThrownBy(() -> CatalogGrpc.newBlockingStub(none).listTables(ListTablesRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
            var query = QueryGrpc.newBlockingStub(reader);
            assertThat(query.query(QueryRequest.newBuilder().setSql("SELECT count(*) FROM processes").build()).getRowsCount())
                    .isEqualTo(1);
            assertThatThrownBy(() -> query.query(QueryRequest.newBuilder().setSql(SHADOW_SUBQUERY).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                        assertThat(e.getStatus().getDescription()).contains("needs role sensitive");
                    });
            var tables = CatalogGrpc.newBlockingStub(reader).listTables(ListTablesRequest.getDefaultInstance()).getTablesList();
            assertThat(tables).filteredOn(t -> t.getName().equals("shadow")).singleElement()
                    .satisfies(t -> assertThat(t.getReadable()).isFalse()).satisfies(t -> assertThat(t.getSensitivity()).isEqualTo("sensitive"));
            Iterator<SubscribeResponse> denied = EventsGrpc.newBlockingStub(reader).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .subscribe(SubscribeRequest.newBuilder().setTable("file_events").build());
            assertThatThrownBy(denied::hasNext).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                assertThat(e.getStatus().getDescription()).contains("events");
            });
        } finally {
            none.shutdownNow();
            reader.shutdownNow();
        }
        ManagedChannel subscriber = channel(SecurityProfile.GRPC_SUBSCRIBER);
        try {
            Iterator<SubscribeResponse> stream = EventsGrpc.newBlockingStub(subscriber).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .subscribe(SubscribeRequest.newBuilder().setTable("file_events").build());
            assertThat(stream.next().hasHeader()).isTrue();
        } finally {
            subscriber.shutdownNow();
        }
    }

    // ---- Kubernetes ------------------------------------------------------------------------------------

    @Test
    void kubernetesTokensAreReviewedOnceAndAuthorizedPerRole() throws Exception {
        Reply first = query(SecurityProfile.K8S_READER, "SELECT count(*) AS n FROM processes");
        assertThat(first.status()).as(first.body().toString()).isEqualTo(200);
        int reviews = reviews();
        for (int i = 0; i < 5; i++) {
            assertThat(query(SecurityProfile.K8S_READER, "SELECT count(*) AS n FROM processes").status()).isEqualTo(200);
        }
        assertThat(reviews()).as("decisions are cached").isEqualTo(reviews);
        Reply shadow = query(SecurityProfile.K8S_READER, "SELECT * FROM shadow");
        assertThat(shadow.status()).isEqualTo(403);
        Reply noRoles = query(SecurityProfile.K8S_NO_ROLES, "SELECT count(*) FROM processes");
        assertThat(noRoles.status()).isEqualTo(403);
        assertThat(noRoles.detail()).contains("needs role reader").contains("no roles");
        Reply unknown = query(SecurityProfile.K8S_UNKNOWN, "SELECT 1");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.detail()).contains("TokenReview");
        ManagedChannel channel = channel(SecurityProfile.K8S_READER);
        try {
            assertThat(QueryGrpc.newBlockingStub(channel).query(QueryRequest.newBuilder().setSql("SELECT 1").build()).getRowsCount())
                    .isEqualTo(1);
        } finally {
            channel.shutdownNow();
        }
    }

    private static int reviews() throws Exception {
        SSLContext trusting = TestCertificates.context(caCertificate(), null);
        return send(HttpClient.newBuilder().sslContext(trusting).build(),
                URI.create(System.getProperty("hostquery-test.k8s-url") + "/count"), null, null).body().path("token_reviews").asInt();
    }

    // ---- TLS -------------------------------------------------------------------------------------------

    private static X509Certificate caCertificate() throws Exception {
        try (var in = Files.newInputStream(SecurityProfile.DIR.resolve("ca.crt"))) {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private Reply tls(SSLContext context, String token, String sql) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(context).build();
        return send(client, URI.create(tlsUrl.toString()).resolve("/v1/queries"), token,
                JSON.createObjectNode().put("sql", sql).toString());
    }

    @Test
    void clientCertificatesAuthenticateAndBadOnesAreRefused() throws Exception {
        Instant now = Instant.now();
        var ci = SecurityProfile.clientCertificate("CN=ci-client", now.minusSeconds(3600), now.plusSeconds(3600));
        Reply ok = tls(TestCertificates.context(caCertificate(), ci), null, "SELECT count(*) AS n FROM processes");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(tls(TestCertificates.context(caCertificate(), ci), null, "SELECT * FROM shadow").status()).isEqualTo(403);
        // a certificate nobody mapped authenticates, with no roles
        var stranger = SecurityProfile.clientCertificate("CN=stranger", now.minusSeconds(3600), now.plusSeconds(3600));
        Reply unmapped = tls(TestCertificates.context(caCertificate(), stranger), null, "SELECT count(*) FROM processes");
        assertThat(unmapped.status()).isEqualTo(403);
        assertThat(unmapped.detail()).contains("no roles");
        // no certificate and no token over TLS: 401
        assertThat(tls(TestCertificates.context(caCertificate(), null), null, "SELECT 1").status()).isEqualTo(401);
        // a token over TLS
        assertThat(tls(TestCertificates.context(caCertificate(), null), SecurityProfile.READER, "SELECT 1").status()).isEqualTo(200);
        // expired, and signed by another CA: the handshake fails
        var expired = SecurityProfile.clientCertificate("CN=ci-client", now.minusSeconds(7200), now.minusSeconds(3600));
        assertThatThrownBy(() -> tls(TestCertificates.context(caCertificate(), expired), null, "SELECT 1"))
                .isInstanceOf(IOException.class);
        TestCertificates other = new TestCertificates("another CA");
        var foreign = other.client("CN=ci-client", now.minusSeconds(3600), now.plusSeconds(3600));
        // (a JDK client does not even send it: its issuer is not among the CAs the server asks for)
        int foreignStatus;
        try {
            foreignStatus = tls(TestCertificates.context(caCertificate(), foreign), null, "SELECT 1").status();
        } catch (IOException e) {
            foreignStatus = -1;
        }
        assertThat(foreignStatus).as("a certificate of another CA gets nothing").isIn(-1, 401);
        // and a client that does not trust the server's CA refuses the server
        assertThatThrownBy(() -> tls(TestCertificates.context(other.ca().certificate(), null), SecurityProfile.READER, "SELECT 1"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aReplacedServerCertificateIsServedWithoutARestart() throws Exception {
        SSLContext context = TestCertificates.context(caCertificate(), null);
        java.math.BigInteger before = serverSerial(context);
        TestCertificates.Issued next = TestCertificates.reload(SecurityProfile.DIR).server();
        SecurityProfile.installServerCertificate(next);
        long deadline = System.nanoTime() + SecurityProfile.reloadWait().toNanos();
        java.math.BigInteger now = before;
        while (now.equals(before) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            now = serverSerial(TestCertificates.context(caCertificate(), null));
        }
        assertThat(now).isEqualTo(next.certificate().getSerialNumber());
    }

    private java.math.BigInteger serverSerial(SSLContext context) throws Exception {
        HttpResponse<String> r = HttpClient.newBuilder().sslContext(context).build().send(HttpRequest.newBuilder(
                URI.create(tlsUrl.toString()).resolve("/q/health/live")).build(), HttpResponse.BodyHandlers.ofString());
        return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
    }

    // ---- the Unix socket -------------------------------------------------------------------------------

    private static boolean root() throws Exception {
        return new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip().equals("0");
    }

    /** curl over the Unix socket, as {@code uid} (setpriv) unless null. */
    private static Reply curl(String asUser, String sql) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        if (asUser != null) {
            command.addAll(List.of("setpriv", "--reuid=" + asUser, "--regid=nogroup", "--clear-groups"));
        }
        command.addAll(List.of("curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}", "--unix-socket",
                SecurityProfile.DIR.resolve("hostquery.sock").toString(), "-H", "Content-Type: application/json", "-d",
                JSON.createObjectNode().put("sql", sql).toString(), "http://localhost/v1/queries"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int newline = out.lastIndexOf('\n');
        return new Reply(Integer.parseInt(out.substring(newline + 1).strip()), JSON.readTree(out.substring(0, newline)), java.util.Map.of());
    }

    @Test
    void unixSocketClientsAreKnownByTheirPeerCredentials() throws Exception {
        assumeTrue(root(), "needs root: setpriv switches to nobody");
        assumeTrue(new java.io.File("/usr/bin/curl").canExecute(), "needs curl");
        var mode = Files.getPosixFilePermissions(SecurityProfile.DIR.resolve("hostquery.sock"));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(mode)).isEqualTo("rw-rw----");
        Reply root = curl(null, "SELECT count(*) AS n FROM shadow");
        assertThat(root.status()).as(root.body().toString()).isEqualTo(200);
        for (String sql : List.of("SELECT * FROM process_envs LIMIT 1", "SELECT * FROM shadow",
                "SELECT sha256 FROM hash WHERE path = '/etc/shadow'", "SELECT count(*) FROM processes")) {
            Reply nobody = curl("nobody", sql);
            assertThat(nobody.status()).as(sql).isEqualTo(403);
            assertThat(nobody.detail()).as(sql).contains("no roles");
        }
    }

    @Test
    void grpcWorksOverTheUnixSocket() throws Exception {
        assumeTrue(Epoll.isAvailable(), "needs Netty's epoll transport");
        EpollEventLoopGroup group = new EpollEventLoopGroup(1);
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(SecurityProfile.DIR.resolve("hostquery.sock").toFile()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).overrideAuthority("localhost").usePlaintext().build();
        try {
            assumeTrue(root(), "needs root: uid 0 is admin on the socket");
            var r = QueryGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .query(QueryRequest.newBuilder().setSql("SELECT count(*) FROM shadow").build());
            assertThat(r.getRowsCount()).isEqualTo(1);
        } finally {
            channel.shutdownNow();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    // ---- audit -----------------------------------------------------------------------------------------

    @Test
    void everyRequestIsAuditedWithoutItsCredentials() throws Exception {
        String sql = "SELECT name FROM processes WHERE pid = 1 -- audit " + System.nanoTime();
        assertThat(query(SecurityProfile.READER, sql).status()).isEqualTo(200);
        assertThat(query("made-up-token-for-the-audit-test-4242", "SELECT 1").status()).isEqualTo(401);
        String log = Files.readString(SecurityProfile.DIR.resolve("audit.log"));
        JsonNode line = log.lines().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + l, e);
            }
        }).filter(l -> l.path("sql").asText().equals(sql)).findFirst().orElseThrow();
        assertThat(line.path("principal").asText()).isEqualTo("token:ci-reader");
        assertThat(line.path("transport").asText()).isEqualTo("rest");
        assertThat(line.path("remote").asText()).isEqualTo("127.0.0.1");
        assertThat(line.path("tables").toString()).isEqualTo("[\"processes\"]");
        assertThat(line.path("rows").asLong()).isEqualTo(1);
        assertThat(line.path("outcome").asText()).isEqualTo("ok");
        assertThat(line.has("time") && line.has("duration_ms") && line.has("bytes")).isTrue();
        assertThat(log).contains("\"outcome\":\"unauthenticated\"");
        for (String secret : List.of(SecurityProfile.READER, SecurityProfile.AUDITOR, "made-up-token-for-the-audit-test-4242",
                TokensFile.sha256(SecurityProfile.READER))) {
            assertThat(log).doesNotContain(secret);
        }
    }

    @Test
    void aTokenAddedToTheFileWorksAndARemovedOneStops() throws Exception {
        String token = "added-later-token-5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";
        java.nio.file.Path file = SecurityProfile.DIR.resolve("tokens");
        String before = Files.readString(file);
        assertThat(query(token, "SELECT 1").status()).isEqualTo(401);
        try {
            Files.writeString(file, before + TokensFile.sha256(token) + " added-later reader\n");
            assertThat(statusWithin(token, 200)).as("a new token works within a few seconds").isEqualTo(200);
        } finally {
            Files.writeString(file, before);
        }
        assertThat(statusWithin(token, 401)).as("a removed token stops working").isEqualTo(401);
        assertThat(query(SecurityProfile.READER, "SELECT 1").status()).isEqualTo(200);
    }

    /** Asks until the answer is {@code expected}, for at most 10 s; the last status. */
    private int statusWithin(String token, int expected) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        int status;
        do {
            status = query(token, "SELECT 1").status();
            if (status != expected) {
                Thread.sleep(200);
            }
        } while (status != expected && System.nanoTime() < deadline);
        return status;
    }

    @Test
    void noNameOutsideTheReaderPathsIsListedOrReachedThroughALink() throws Exception {
        String link = SecurityProfile.DIR.resolve("public/etc-link").toString();
        String readme = SecurityProfile.DIR.resolve("public/readme").toString();
        assertThat(query(SecurityProfile.READER, "SELECT sha256 FROM hash WHERE path = '" + readme + "'").status()).isEqualTo(200);
        for (String sql : List.of("SELECT sha256 FROM hash WHERE path = '" + link + "/shadow'",
                "SELECT path FROM file WHERE directory = '" + link + "'",
                "SELECT path FROM file WHERE path LIKE '" + link + "/%'")) {
            Reply r = query(SecurityProfile.READER, sql);
            assertThat(r.status()).as(sql).isEqualTo(403);
            assertThat(r.detail()).as(sql).contains("reading /etc");
        }
        // a directory outside is refused before it is listed: the refusal names it, and none of its entries
        Reply root = query(SecurityProfile.READER, "SELECT path FROM file WHERE directory = '/root'");
        assertThat(root.status()).isEqualTo(403);
        assertThat(root.detail()).startsWith("reading /root needs role");
        Reply pattern = query(SecurityProfile.READER, "SELECT path FROM file WHERE path LIKE '/etc/%'");
        assertThat(pattern.detail()).startsWith("reading /etc needs role");
        assertThat(query(SecurityProfile.READER, "SELECT count(*) FROM deb_packages WHERE admindir = '/root'").status())
                .isEqualTo(403);
    }

    @Test
    void aFilterIsNeverRunFromAStatementAClientPrepared() throws Exception {
        // the exact text the filter check prepares, sent as a query first: allowed there (hash of /usr/bin/ls is a
        // reader's), and cached on every connection
        String filter = "(SELECT count(*) FROM hash WHERE path = '/usr/bin/ls') > 0";
        String sql = "SELECT *, eid FROM file_events WHERE eid < '0' AND (" + filter + ")";
        for (int i = 0; i < 8; i++) {
            assertThat(query(SecurityProfile.GRPC_SUBSCRIBER, sql).status()).isEqualTo(200);
        }
        ManagedChannel channel = channel(SecurityProfile.GRPC_SUBSCRIBER);
        try {
            Iterator<SubscribeResponse> stream = EventsGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .subscribe(SubscribeRequest.newBuilder().setTable("file_events").setFilter(filter).build());
            assertThatThrownBy(stream::hasNext).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).contains("in a filter");
            });
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void subscriptionsCancelledAtOnceGiveTheirSlotsBack() throws Exception {
        ManagedChannel channel = channel(SecurityProfile.CANCELLER);
        try {
            for (int i = 0; i < 20; i++) {
                Iterator<SubscribeResponse> stream = EventsGrpc.newBlockingStub(channel).withDeadlineAfter(1 + i % 5, TimeUnit.MILLISECONDS)
                        .subscribe(SubscribeRequest.newBuilder().setTable("file_events").build());
                try {
                    while (stream.hasNext()) {
                        stream.next();
                    }
                } catch (StatusRuntimeException expected) {
                    // the deadline
                }
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            Status.Code last;
            do {
                try {
                    Iterator<SubscribeResponse> stream = EventsGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                            .subscribe(SubscribeRequest.newBuilder().setTable("file_events").build());
                    last = stream.next().hasHeader() ? Status.Code.OK : Status.Code.UNKNOWN;
                } catch (StatusRuntimeException e) {
                    last = e.getStatus().getCode();
                    Thread.sleep(100);
                }
            } while (last != Status.Code.OK && System.nanoTime() < deadline);
            assertThat(last).as("a subscription of the same principal gets a slot").isEqualTo(Status.Code.OK);
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void viewsAreTablesOfTheCatalogAndAsSensitiveAsWhatTheyRead() throws Exception {
        Reply names = query(SecurityProfile.READER, "SELECT count(*) AS n FROM process_names WHERE pid = 1");
        assertThat(names.status()).as(names.body().toString()).isEqualTo(200);
        Reply shadow = query(SecurityProfile.READER, "SELECT * FROM account_states");
        assertThat(shadow.status()).isEqualTo(403);
        assertThat(shadow.detail()).contains("table shadow is sensitive");
        assertThat(query(SecurityProfile.AUDITOR, "SELECT count(*) FROM account_states").status()).isEqualTo(200);
        JsonNode view = post("/v1/tables/account_states", SecurityProfile.READER, null).body();
        assertThat(view.path("sensitivity").asText()).isEqualTo("sensitive");
        assertThat(view.path("readable").asBoolean()).isFalse();
        assertThat(view.path("description").asText()).contains("hostquery.views.account_states").contains("shadow");
        JsonNode processNames = post("/v1/tables/process_names", SecurityProfile.READER, null).body();
        assertThat(processNames.path("columns").toString()).contains("\"name\":\"pid\"").contains("\"name\":\"name\"");
        assertThat(processNames.path("readable").asBoolean()).isTrue();
    }
}
