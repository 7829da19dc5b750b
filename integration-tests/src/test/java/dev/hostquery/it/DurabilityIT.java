package dev.hostquery.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hostquery.bench.ServiceProcess;
import dev.hostquery.grpc.v1.EventsGrpc;
import dev.hostquery.grpc.v1.SubscribeRequest;
import dev.hostquery.grpc.v1.SubscribeResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the service with SIGKILL during a flood of file events and starts it again on the same store: every event
 * a subscriber had received (so acknowledged as stored) is still there, unchanged, and no event id appears twice.
 */
class DurabilityIT {
    /** The test subscribes as an anonymous loopback client: that takes the events role besides reader. */
    private static final String SUBSCRIBER = "-Dhostquery.security.anonymous-roles=reader,events";

    @TempDir
    Path watched;
    @TempDir
    Path store;

    @Test
    void noAcknowledgedEventIsLostOrDuplicatedAcrossAKill() throws Exception {
        Map<Long, String> acknowledged = new TreeMap<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        String watch = "-Dhostquery.events.file.paths.flood=" + watched + "/%%";
        ServiceProcess first = ServiceProcess.startOn(store, watch, "-Dhostquery.events.process.backend=none", SUBSCRIBER);
        try {
            first.awaitHealthy(Duration.ofSeconds(60));
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int i = 0; flooding.get(); i++) {
                    try {
                        Files.writeString(watched.resolve("f" + (i % 500)), "v" + i);
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", first.port()).usePlaintext().build();
            try {
                Iterator<SubscribeResponse> stream = EventsGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                        .subscribe(SubscribeRequest.newBuilder().setTable("file_events").setCursor("0").build());
                stream.next();
                while (acknowledged.size() < 5_000) {
                    SubscribeResponse r = stream.next();
                    if (r.hasEvent()) {
                        acknowledged.put(r.getEvent().getSequence(), r.getEvent().getRow().getValues(0).getTextValue() + " "
                                + r.getEvent().getRow().getValues(2).getTextValue());
                    }
                }
                first.kill();
            } finally {
                flooding.set(false);
                writer.join();
                channel.shutdownNow();
            }
        } finally {
            first.close();
        }
        assertThat(acknowledged).hasSize(5_000);
        try (ServiceProcess second = ServiceProcess.startOn(store, "-Dhostquery.events.process.backend=none",
                "-Dhostquery.query.max-rows=1000000", SUBSCRIBER)) {
            second.awaitHealthy(Duration.ofSeconds(60));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(second.uri("/v1/queries"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"sql\": \"SELECT CAST(eid AS INTEGER) AS id, target_path, action FROM file_events ORDER BY id\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            Map<Long, String> stored = new TreeMap<>();
            Matcher m = Pattern.compile("\\{\"id\":(\\d+),\"target_path\":\"([^\"]*)\",\"action\":\"([A-Z_]+)\"}").matcher(r.body());
            int rows = 0;
            while (m.find()) {
                rows++;
                String previous = stored.put(Long.parseLong(m.group(1)), m.group(2) + " " + m.group(3));
                assertThat(previous).as("event %s appears twice", m.group(1)).isNull();
            }
            assertThat(rows).isGreaterThanOrEqualTo(acknowledged.size());
            for (Map.Entry<Long, String> e : acknowledged.entrySet()) {
                assertThat(stored.get(e.getKey())).as("acknowledged event %d", e.getKey()).isEqualTo(e.getValue());
            }
            long lowest = stored.keySet().iterator().next();
            long last = ((TreeMap<Long, String>) stored).lastKey();
            assertThat(last - lowest + 1).as("event ids are dense").isEqualTo(stored.size());
        }
    }
}
