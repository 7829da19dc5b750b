package dev.hostquery.query.events;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.hostquery.grpc.v1.EventsGrpc;
import dev.hostquery.grpc.v1.SubscribeRequest;
import dev.hostquery.grpc.v1.SubscribeResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** file_events end to end: inotify, the store, SQL, the gRPC subscription and the SSE stream. */
@QuarkusTest
@QuarkusTestResource(value = WatchedDirectory.class, restrictToAnnotatedClass = true)
class EventsApiTest {
    @TestHTTPResource
    URL url;

    static String query(String sql) {
        return given().contentType(ContentType.JSON).body("{\"sql\": \"" + sql + "\"}").when().post("/v1/queries").then()
                .statusCode(200).extract().asString();
    }

    @Test
    void fileChangesAreQueryableWithSql() throws Exception {
        Files.writeString(WatchedDirectory.directory.resolve("sql.txt"), "hello\n");
        String path = WatchedDirectory.directory.resolve("sql.txt").toString();
        long deadline = System.nanoTime() + 10_000_000_000L;
        String body = "";
        while (System.nanoTime() < deadline && !body.contains("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")) {
            body = query("SELECT target_path, action, sha256, time FROM file_events WHERE target_path = '" + path
                    + "' AND time >= strftime('%s', 'now') - 600");
            Thread.sleep(50);
        }
        assertThat(body).contains("\"action\":\"CREATED\"", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
        assertThat(query("SELECT name, state FROM hostquery_events WHERE name = 'inotify'")).contains("RUNNING");
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("hostquery_events_stored_total"));
    }

    @Test
    void grpcSubscribersGetEveryMatchingEventAndCanResume() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
        try {
            var events = EventsGrpc.newBlockingStub(channel);
            Iterator<SubscribeResponse> stream = events.withDeadlineAfter(20, TimeUnit.SECONDS).subscribe(SubscribeRequest.newBuilder()
                    .setTable("file_events").setFilter("action = 'CREATED' AND target_path LIKE '%/grpc-%'").build());
            SubscribeResponse header = stream.next();
            assertThat(header.hasHeader()).isTrue();
            assertThat(header.getHeader().getColumnsList()).extracting(c -> c.getName()).contains("target_path", "action", "eid");
            assertThat(header.getHeader().getNode()).isNotEmpty();
            assertThat(header.getHeader().getBootId()).isNotEmpty();
            for (int i = 0; i < 5; i++) {
                Files.writeString(WatchedDirectory.directory.resolve("grpc-" + i), "x");
            }
            List<String> seen = new ArrayList<>();
            List<String> cursors = new ArrayList<>();
            while (seen.size() < 5) {
                SubscribeResponse r = stream.next();
                assertThat(r.hasEvent()).isTrue();
                seen.add(r.getEvent().getRow().getValues(0).getTextValue());
                cursors.add(r.getEvent().getCursor());
                assertThat(r.getEvent().getSequence()).isEqualTo(Long.parseLong(r.getEvent().getCursor()));
            }
            assertThat(seen).containsExactly(java.util.stream.IntStream.range(0, 5)
                    .mapToObj(i -> WatchedDirectory.directory.resolve("grpc-" + i).toString()).toArray(String[]::new));
            Iterator<SubscribeResponse> resumed = events.withDeadlineAfter(20, TimeUnit.SECONDS).subscribe(SubscribeRequest.newBuilder()
                    .setTable("file_events").setFilter("action = 'CREATED' AND target_path LIKE '%/grpc-%'")
                    .setCursor(cursors.get(2)).build());
            assertThat(resumed.next().getHeader().getCursor()).isEqualTo(cursors.get(2));
            assertThat(resumed.next().getEvent().getCursor()).isEqualTo(cursors.get(3));
            assertThat(resumed.next().getEvent().getCursor()).isEqualTo(cursors.get(4));
            assertThatThrownBy(() -> events.subscribe(SubscribeRequest.newBuilder().setTable("file_events").setFilter("nope = 1").build())
                    .next()).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription()).contains("invalid filter 'nope = 1'", "no such column: nope");
                    });
            assertThatThrownBy(() -> events.subscribe(SubscribeRequest.newBuilder().setTable("processes").build()).next())
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
                            .contains("not an evented table"));
            assertThatThrownBy(() -> events.subscribe(SubscribeRequest.newBuilder().setTable("file_events").setCursor("x").build())
                    .next()).isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
                            .contains("cursor must be an event id"));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSubscriberThatStopsReadingHoldsBackNoOneElse() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
        try {
            var events = EventsGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            SubscribeRequest request = SubscribeRequest.newBuilder().setTable("file_events")
                    .setFilter("action = 'CREATED' AND target_path LIKE '%/slow-%'").build();
            Iterator<SubscribeResponse> stalled = events.subscribe(request);
            assertThat(stalled.next().hasHeader()).isTrue(); // and then never read again
            Iterator<SubscribeResponse> reader = events.subscribe(request);
            assertThat(reader.next().hasHeader()).isTrue();
            int files = 300;
            for (int i = 0; i < files; i++) {
                Files.writeString(WatchedDirectory.directory.resolve("slow-" + i), "x".repeat(2_000));
            }
            List<String> received = new ArrayList<>();
            while (received.size() < files) {
                received.add(reader.next().getEvent().getRow().getValues(0).getTextValue());
            }
            assertThat(received).doesNotHaveDuplicates().hasSize(files);
            String count = query("SELECT count(*) AS n FROM file_events WHERE action = 'CREATED' AND target_path LIKE '%/slow-%'");
            assertThat(count).contains("\"n\":" + files);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void sseStreamsEventsAndResumesFromLastEventId() throws Exception {
        CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> readSse(null, 6));
        Thread.sleep(500);
        Files.writeString(WatchedDirectory.directory.resolve("sse-1"), "x");
        Files.writeString(WatchedDirectory.directory.resolve("sse-2"), "x");
        List<String> got = lines.get(20, TimeUnit.SECONDS);
        assertThat(got).anyMatch(l -> l.startsWith("id:")).anyMatch(l -> l.equals("event:event"))
                .anyMatch(l -> l.contains("sse-1") && l.contains("\"boot_id\""));
        String firstId = got.stream().filter(l -> l.startsWith("id:")).findFirst().orElseThrow().substring(3).strip();
        List<String> resumed = readSse(firstId, 3);
        assertThat(resumed).anyMatch(l -> l.contains("sse-2"));
        given().queryParam("filter", "nope = 1").when().get("/v1/events/file_events/stream").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("unknown_column"));
        given().when().get("/v1/events/users/stream").then().statusCode(400).body("code", equalTo("bad_request"));
    }

    private List<String> readSse(String lastEventId, int lines) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(url, "/v1/events/file_events/stream?filter="
                    + java.net.URLEncoder.encode("target_path LIKE '%/sse-%' AND action = 'CREATED'", StandardCharsets.UTF_8)).openConnection();
            if (lastEventId != null) {
                c.setRequestProperty("Last-Event-ID", lastEventId);
            }
            c.setReadTimeout(15_000);
            List<String> result = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null && result.size() < lines; line = r.readLine()) {
                    if (!line.isBlank()) {
                        result.add(line);
                    }
                }
            }
            c.disconnect();
            return result;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
