package dev.hostquery.query.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hostquery.grpc.v1.EventsGrpc;
import dev.hostquery.grpc.v1.SubscribeRequest;
import dev.hostquery.grpc.v1.SubscribeResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A subscriber that resumes from a cursor whose events expired is told, in the stream, how many it lost. */
@QuarkusTest
@QuarkusTestResource(value = SmallStore.class, restrictToAnnotatedClass = true)
class LostEventsTest {
    @TestHTTPResource
    URL url;

    @Test
    void subscriptionsBeyondTheLimitAreRefusedAsBusy() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
        try {
            var events = EventsGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
            SubscribeRequest request = SubscribeRequest.newBuilder().setTable("file_events").build();
            Iterator<SubscribeResponse> first = events.subscribe(request);
            Iterator<SubscribeResponse> second = events.subscribe(request);
            assertThat(first.next().hasHeader()).isTrue();
            assertThat(second.next().hasHeader()).isTrue();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> events.subscribe(request).next())
                    .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
                        assertThat(e.getStatus().getDescription()).contains("max-subscriptions");
                    });
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        Thread.sleep(1_000); // the cancelled subscriptions notice within one wait and end
    }

    @Test
    void resumingPastExpiredEventsReportsTheLoss() throws Exception {
        for (int i = 0; i < 30; i++) {
            Files.writeString(WatchedDirectory.directory.resolve("lost-" + i), "x");
        }
        Thread.sleep(1_500); // capture, then expiry down to 10 events
        ManagedChannel channel = NettyChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
        try {
            Iterator<SubscribeResponse> stream = EventsGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                    .subscribe(SubscribeRequest.newBuilder().setTable("file_events").setCursor("1").build());
            assertThat(stream.next().hasHeader()).isTrue();
            SubscribeResponse lost = stream.next();
            assertThat(lost.hasLost()).as("a lost notice first").isTrue();
            assertThat(lost.getLost().getCount()).isGreaterThanOrEqualTo(20);
            SubscribeResponse next = stream.next();
            assertThat(next.hasEvent()).isTrue();
            assertThat(next.getEvent().getSequence()).isEqualTo(Long.parseLong(lost.getLost().getResumedAfter()) + 1);
            assertThat(next.getEvent().getSequence()).isEqualTo(1 + 1 + lost.getLost().getCount());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        io.restassured.RestAssured.given().when().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("hostquery_events_lost_total{table=\"file_events\"}"));
        Thread.sleep(1_000); // the cancelled subscription notices within one wait and ends, freeing its place
    }
}
