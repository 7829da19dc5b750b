package dev.hostquery.query.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hostquery.grpc.v1.EventsGrpc;
import dev.hostquery.grpc.v1.SubscribeRequest;
import dev.hostquery.grpc.v1.SubscribeResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A subscriber that stopped reading during a flood and was then killed must give its slot back at once; before,
 * its thread waited for flow control for minutes and 64 such clients locked everyone out.
 */
@QuarkusTest
@TestProfile(SubscriptionSlotsTest.TwoSlots.class)
@QuarkusTestResource(value = WatchedDirectory.class, restrictToAnnotatedClass = true)
class SubscriptionSlotsTest {
    public static class TwoSlots implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hostquery.events.max-subscriptions", "2");
        }
    }

    @TestHTTPResource
    URL url;

    ManagedChannel channel() {
        return NettyChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
    }

    static void stalledSubscriber(ManagedChannel channel) {
        EventsGrpc.newStub(channel).subscribe(SubscribeRequest.newBuilder().setTable("file_events").build(),
                new ClientResponseObserver<SubscribeRequest, SubscribeResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
                        requestStream.disableAutoRequestWithInitial(0);
                    }

                    @Override
                    public void onNext(SubscribeResponse value) {
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
    }

    @Test
    void killedStalledSubscribersFreeTheirSlotsAtOnce() throws Exception {
        ManagedChannel first = channel();
        ManagedChannel second = channel();
        stalledSubscriber(first);
        stalledSubscriber(second);
        Thread.sleep(500);
        flood("flood-");
        ManagedChannel third = channel();
        try {
            Iterator<SubscribeResponse> refused = EventsGrpc.newBlockingStub(third).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .subscribe(SubscribeRequest.newBuilder().setTable("file_events").build());
            assertThatThrownBy(refused::next).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            first.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            second.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            assertSubscribes(third);
        } finally {
            first.shutdownNow();
            second.shutdownNow();
            third.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Far more events than the stalled clients' flow-control windows hold, then time for them to pile up. */
    static void flood(String prefix) throws Exception {
        for (int i = 0; i < 3_000; i++) {
            Files.writeString(WatchedDirectory.directory.resolve(prefix + i), "x");
        }
        Thread.sleep(2_000);
    }

    /** A second after the stalled clients went, a new subscription gets its slot and its header. */
    static void assertSubscribes(ManagedChannel channel) throws InterruptedException {
        Thread.sleep(1_000);
        Iterator<SubscribeResponse> stream = EventsGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .subscribe(SubscribeRequest.newBuilder().setTable("file_events").build());
        assertThat(stream.next().hasHeader()).isTrue();
    }

    @Test
    void subscribersWhoseConnectionsDieWithoutAWordFreeTheirSlots() throws Exception {
        try (CuttableProxy proxy = new CuttableProxy(url.getHost(), url.getPort())) {
            ManagedChannel first = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).usePlaintext().build();
            ManagedChannel second = NettyChannelBuilder.forAddress("127.0.0.1", proxy.port()).usePlaintext().build();
            ManagedChannel third = channel();
            try {
                stalledSubscriber(first);
                stalledSubscriber(second);
                Thread.sleep(500);
                flood("cut-");
                proxy.cut(); // as if both clients were killed: their connections reset, no RST_STREAM, no GOAWAY
                assertSubscribes(third);
            } finally {
                first.shutdownNow();
                second.shutdownNow();
                third.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
