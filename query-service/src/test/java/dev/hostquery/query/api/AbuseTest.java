package dev.hostquery.query.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.hostquery.grpc.v1.QueryGrpc;
import dev.hostquery.grpc.v1.QueryLimits;
import dev.hostquery.grpc.v1.QueryRequest;
import dev.hostquery.grpc.v1.QueryStreamResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The service under the attacks of the hardening issue: each test is one reproduction, and what must hold
 * afterwards. The test profile has 4 query connections.
 */
@QuarkusTest
class AbuseTest {
    /** Rows without end, each big enough that a client's flow-control window fills after a few hundred. */
    static final String ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x, randomblob(200) FROM c";

    @TestHTTPResource
    URL url;

    static void selectOneAnswers() {
        given().contentType(ContentType.JSON).body("{\"sql\": \"SELECT 1 AS one\", \"limits\": {\"timeout_ms\": 5000}}")
                .when().post("/v1/queries").then().statusCode(200).body("rows[0].one", equalTo(1));
    }

    ManagedChannel channel() {
        return NettyChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
    }

    /**
     * A QueryStream call whose client turned inbound flow control off and asks for no message: it counts the rows
     * it gets once it does ask ({@code call.request(n)}), and how the call ended.
     */
    record NeverReading(ClientCallStreamObserver<QueryRequest> call, java.util.concurrent.atomic.AtomicLong rows,
            java.util.concurrent.CompletableFuture<Throwable> end) {
    }

    static NeverReading neverReading(ManagedChannel channel, QueryRequest request) {
        List<ClientCallStreamObserver<QueryRequest>> call = new ArrayList<>();
        java.util.concurrent.atomic.AtomicLong rows = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.CompletableFuture<Throwable> end = new java.util.concurrent.CompletableFuture<>();
        QueryGrpc.newStub(channel).queryStream(request, new ClientResponseObserver<QueryRequest, QueryStreamResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<QueryRequest> requestStream) {
                requestStream.disableAutoRequestWithInitial(0);
                call.add(requestStream);
            }

            @Override
            public void onNext(QueryStreamResponse value) {
                rows.addAndGet(value.getBatch().getRowsCount());
            }

            @Override
            public void onError(Throwable t) {
                end.complete(t);
            }

            @Override
            public void onCompleted() {
                end.complete(null);
            }
        });
        return new NeverReading(call.getFirst(), rows, end);
    }

    @Test
    void streamsWhoseClientNeverReadsGiveTheirConnectionsBackAtTheirTimeLimit() throws Exception {
        ManagedChannel channel = channel();
        try {
            QueryRequest request = QueryRequest.newBuilder().setSql(ENDLESS).setBatchSize(1)
                    .setLimits(QueryLimits.newBuilder().setTimeoutMs(2_000)).build();
            for (int i = 0; i < 4; i++) {
                neverReading(channel, request);
            }
            Thread.sleep(3_000); // past the streams' time limit; they still hold their calls open
            selectOneAnswers();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStreamWhoseClientReadsNothingQueuesNoMoreThanItsWindow() throws Exception {
        // a fixed 1 MiB window (no auto-tuning): about 4,700 of ENDLESS's rows as batches of one
        ManagedChannel channel = NettyChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext()
                .flowControlWindow(1 << 20).build();
        try {
            NeverReading stream = neverReading(channel, QueryRequest.newBuilder().setSql(ENDLESS).setBatchSize(1)
                    .setLimits(QueryLimits.newBuilder().setTimeoutMs(2_000)).build());
            Thread.sleep(3_000); // past the time limit: what the server produced meanwhile is what it had to hold
            stream.call().request(Integer.MAX_VALUE);
            Throwable t = stream.end().get(20, TimeUnit.SECONDS);
            long rows = stream.rows().get();
            System.out.println("rows a never-reading stream was sent before its time limit: " + rows);
            assertThat(t).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            assertThat(rows).as("rows sent to a client that read nothing").isLessThan(ROWS_A_WINDOW_HOLDS);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Half again what a 1 MiB flow-control window holds of ENDLESS's rows in batches of one (about 4,700). Before the
     * writes were kept in step with the event loop, a stream queued as many again beyond the window (10,075 here;
     * 13,000 a stream with four at once), however little the client read.
     */
    static final long ROWS_A_WINDOW_HOLDS = 7_000;

    @Test
    void cancelledStreamsEndTheirQueries() throws Exception {
        ManagedChannel channel = channel();
        try {
            QueryRequest request = QueryRequest.newBuilder().setSql(ENDLESS).setBatchSize(1).build(); // 30 s time limit
            List<ClientCallStreamObserver<?>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(neverReading(channel, request).call());
            }
            Thread.sleep(1_000);
            calls.forEach(c -> c.cancel("the test cancels", null));
            Thread.sleep(500);
            selectOneAnswers();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void clientsThatGoAwayMidStreamFreeTheirConnections() throws Exception {
        for (int i = 0; i < 4; i++) {
            ManagedChannel channel = channel();
            neverReading(channel, QueryRequest.newBuilder().setSql(ENDLESS).setBatchSize(1).build());
            Thread.sleep(200);
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        Thread.sleep(500);
        selectOneAnswers();
    }

    @Test
    void largeResultsStreamWhole() {
        String sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 40000) SELECT x, hex(randomblob(60)) AS h FROM c";
        given().contentType(ContentType.JSON).body("{\"sql\": \"" + sql + "\"}").when().post("/v1/queries").then().statusCode(200)
                .body("row_count", equalTo(40000)).body("rows.size()", equalTo(40000)).body("rows[39999].x", equalTo(40000))
                .body("error", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void aLimitBrokenAfterTheFirstMegabyteEndsTheStreamWithAnError() {
        String sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 40000) SELECT x, hex(randomblob(60)) AS h FROM c";
        given().contentType(ContentType.JSON).body("{\"sql\": \"" + sql + "\", \"limits\": {\"max_rows\": 30000}}").when()
                .post("/v1/queries").then().statusCode(200).body("row_count", equalTo(30000))
                .body("error.code", equalTo("limit_exceeded")).body("error.limit", equalTo("max_rows"));
    }

    @Test
    void aRestClientThatNeverReadsIsCutOffAtItsTimeLimit() throws Exception {
        String body = "{\"sql\": \"" + ENDLESS + "\", \"limits\": {\"timeout_ms\": 2000}}";
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new java.net.InetSocketAddress(url.getHost(), url.getPort()));
            s.getOutputStream().write(("POST /v1/queries HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            Thread.sleep(4_000); // reads nothing past the query's time limit
            selectOneAnswers();
            s.setSoTimeout(20_000);
            java.io.InputStream in = s.getInputStream();
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) { // the server closed the connection: the read ends
                total += n;
            }
            assertThat(total).as("bytes the server had sent before it gave up").isLessThan(64L << 20);
        }
    }

    @Test
    void unaryResultsStayWithinAGrpcMessage() {
        ManagedChannel channel = channel();
        try {
            assertThatThrownBy(() -> QueryGrpc.newBlockingStub(channel).query(QueryRequest.newBuilder().setSql(
                    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 5000) SELECT hex(randomblob(1000)) FROM c")
                    .build())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(e.getStatus().getDescription()).contains("use QueryStream");
                    });
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void limitsAreReadUnsigned() {
        ManagedChannel channel = channel();
        try {
            var response = QueryGrpc.newBlockingStub(channel).query(QueryRequest.newBuilder().setSql("SELECT 1")
                    .setLimits(QueryLimits.newBuilder().setMaxRows(-1).setTimeoutMs(-1).setMaxResultBytes(-1)).build()); // 2^64-1
            assertThat(response.getRowsCount()).isEqualTo(1);
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void batchSizeIsReadUnsigned() {
        ManagedChannel channel = channel();
        try {
            var stream = QueryGrpc.newBlockingStub(channel).queryStream(QueryRequest.newBuilder().setSql("SELECT 1")
                    .setBatchSize(-1).build()); // 4294967295 on the wire
            assertThatThrownBy(() -> stream.next()).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).contains("4294967295");
            });
        } finally {
            channel.shutdownNow();
        }
    }

    static long workerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("executor-thread")).count();
    }

    @Test
    void halfSentBodiesDoNotStallTheService() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        long workersBefore = workerThreads();
        try {
            for (int i = 0; i < 220; i++) {
                Socket s = new Socket(url.getHost(), url.getPort());
                OutputStream out = s.getOutputStream();
                out.write(("POST /v1/queries HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100000\r\n\r\n{\"sql\": \"SELECT").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                sockets.add(s);
            }
            Thread.sleep(500);
            selectOneAnswers();
            given().when().get("/q/health/ready").then().statusCode(200);
            // the bodies are read without a thread each (in-process only: the packaged jar's threads are not ours)
            boolean inProcess = Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("vert.x-eventloop"));
            if (inProcess) {
                assertThat(workerThreads() - workersBefore).as("worker threads taken by half-sent bodies").isLessThan(50);
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void http2ClientsAreAnswered() throws Exception {
        // Java's client upgrades plain HTTP to HTTP/2 (h2c): the body buffering must leave such requests alone
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2).build();
        java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(url.toURI().resolve("/v1/queries"))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"sql\": \"SELECT 1 AS one\"}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"one\":1");
    }

    @Test
    void halfSentBodiesTimeOutWith408() throws Exception {
        try (Socket s = new Socket(url.getHost(), url.getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("POST /v1/queries HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"sql\"").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 408");
        }
    }

    @Test
    void malformedBodiesAreProblemDocuments() {
        for (String body : List.of("[\"SELECT 1\"]", "{\"sql\": []}", "{\"sql\": 5}", "{\"sql\": {}}",
                "{\"sql\": \"SELECT 1\", \"limits\": \"x\"}", "{\"sql\": \"SELECT 1\", \"limits\": {\"max_rows\": \"5\"}}",
                "{\"sql\": \"SELECT 1\", \"limits\": {\"timeout_ms\": 1.5}}", "{\"sql\": \"SELECT 1\", \"limits\": {\"timeout_ms\": true}}",
                "{\"sql\": \"SELECT 1\"} {}", "\"SELECT 1\"", "{\"sql\": \"SELECT 1\", \"limits\": {\"max_rows\": -1}}")) {
            RestApiTest.problem(given().contentType(ContentType.JSON).body(body).when().post("/v1/queries").then(), 400, "bad_request");
        }
        given().contentType(ContentType.JSON).body("{\"sql\": \"SELECT 1\", \"limits\": {\"max_rows\": \"5\"}}").when()
                .post("/v1/queries").then().body("detail", containsString("limits.max_rows"));
    }

    @Test
    void wrongRoutesMethodsAndMediaTypesAreProblemDocuments() {
        RestApiTest.problem(given().when().get("/v1/nope").then(), 404, "not_found");
        RestApiTest.problem(given().when().get("/v1/queries").then(), 405, "method_not_allowed");
        RestApiTest.problem(given().contentType(ContentType.TEXT).body("SELECT 1").when().post("/v1/queries").then(), 415,
                "unsupported_media_type");
        RestApiTest.problem(given().contentType(ContentType.JSON).body("").when().post("/v1/queries").then(), 400, "bad_request");
        RestApiTest.problem(given().contentType(ContentType.JSON).body("{\"sql\": \"SELECT 1\"").when().post("/v1/queries").then(),
                400, "bad_request");
        RestApiTest.problem(given().contentType(ContentType.JSON).body("{\"sql\": \"" + "x".repeat(1_100_000) + "\"}").when()
                .post("/v1/queries").then(), 413, "bad_request");
    }

    @Test
    void aNulInAPathIsAnInvalidConstraint() {
        RestApiTest.problem(given().contentType(ContentType.JSON)
                .body("{\"sql\": \"SELECT * FROM file WHERE path = '/etc/pass' || char(0) || 'wd'\"}").when().post("/v1/queries")
                .then(), 400, "invalid_constraint");
    }

    @Test
    void otherClientsSqlAndTableValuedPragmasAreReadOnly() {
        for (String sql : List.of("SELECT sql FROM sqlite_stmt", "SELECT * FROM pragma_journal_mode", "SELECT count(*) FROM sqlite_stmt")) {
            RestApiTest.problem(RestApiTest.query("{\"sql\": \"" + sql + "\"}"), 403, "read_only");
        }
    }

    @Test
    void subscriptionFiltersAreExpressionsOverOneEvent() {
        for (String filter : List.of("1) OR (1", "1) UNION SELECT username, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 FROM shadow --",
                "target_path IN (SELECT path FROM file WHERE path = '/etc/shadow')", "1 --")) {
            RestApiTest.problem(given().queryParam("filter", filter).when().get("/v1/events/file_events/stream").then(), 400,
                    "bad_request");
        }
        for (String cursor : List.of("9223372036854775807", "-1", "x")) {
            RestApiTest.problem(given().queryParam("cursor", cursor).when().get("/v1/events/file_events/stream").then(), 400,
                    "bad_request");
        }
    }
}
