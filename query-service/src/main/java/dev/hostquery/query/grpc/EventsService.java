package dev.hostquery.query.grpc;

import dev.hostquery.events.tables.EventTable;
import dev.hostquery.grpc.v1.Event;
import dev.hostquery.grpc.v1.EventsGrpc;
import dev.hostquery.grpc.v1.LostEvents;
import dev.hostquery.grpc.v1.SubscribeRequest;
import dev.hostquery.grpc.v1.SubscribeResponse;
import dev.hostquery.grpc.v1.SubscriptionHeader;
import dev.hostquery.query.events.Subscriptions;
import dev.hostquery.query.sqlite.QueryException;
import dev.hostquery.query.config.HostqueryConfig;
import dev.hostquery.query.sqlite.ErrorCode;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;

/**
 * {@code hostquery.v1.Events/Subscribe}. The request is checked before the stream starts; then a subscription
 * thread sends events, waiting while the client's flow-control window is full (gRPC isReady), so a slow client
 * holds back only its own subscription.
 */
@GrpcService
public class EventsService extends EventsGrpc.EventsImplBase {
    @Inject
    Subscriptions subscriptions;
    @Inject
    HostqueryConfig config;

    @Override
    @Blocking
    public void subscribe(SubscribeRequest request, StreamObserver<SubscribeResponse> response) {
        ServerCallStreamObserver<SubscribeResponse> call = (ServerCallStreamObserver<SubscribeResponse>) response;
        try {
            start(subscriptions.plan(PrincipalInterceptor.principal(), request.getTable(), request.getFilter(), request.getCursor()), call);
        } catch (QueryException e) {
            call.onError(GrpcErrors.of(e)); // a bad request, or too many subscriptions: before the stream starts
        }
    }

    private void start(Subscriptions.Plan plan, ServerCallStreamObserver<SubscribeResponse> call) {
        Context context = Context.current();
        java.util.function.BooleanSupplier streamEnded = PrincipalInterceptor.streamEnded();
        WriteHandOff handOff = WriteHandOff.ofCurrentCall(); // captured here: the subscription thread has no Vert.x context
        long stallNanos = config.events().stallTimeout().toNanos();
        Subscriptions.Handle handle = subscriptions.start(plan, "grpc", PrincipalInterceptor.remote(), new Subscriptions.Sink() {
            @Override
            public boolean cancelled() {
                return call.isCancelled() || context.isCancelled() || streamEnded.getAsBoolean();
            }

            @Override
            public void header(Subscriptions.Plan p) {
                call.onNext(SubscribeResponse.newBuilder().setHeader(SubscriptionHeader.newBuilder().setTable(p.table())
                        .addAllColumns(QueryService.columns(p.columns())).setNode(p.node()).setBootId(p.bootId())
                        .setCursor(EventTable.eidText(p.after()))).build());
            }

            @Override
            public void event(Subscriptions.Plan p, long eid, long time, Object[] values) throws InterruptedException {
                awaitReady(eid);
                call.onNext(SubscribeResponse.newBuilder().setEvent(Event.newBuilder().setCursor(EventTable.eidText(eid))
                        .setSequence(eid).setTime(time).setNode(p.node()).setBootId(p.bootId()).setRow(QueryService.row(values)))
                        .build());
            }

            @Override
            public void lost(long count, long resumedAfter) throws InterruptedException {
                awaitReady(resumedAfter);
                call.onNext(SubscribeResponse.newBuilder().setLost(LostEvents.newBuilder().setCount(count)
                        .setResumedAfter(EventTable.eidText(resumedAfter))).build());
            }

            /**
             * Waits while the client's flow-control window is full: the client's own pace, bounded by the stall
             * timeout, after which the subscription ends (the client resumes with its last cursor).
             */
            private void awaitReady(long eid) throws InterruptedException {
                long stalledSince = System.nanoTime();
                if (!handOff.await(stalledSince + stallNanos, this::cancelled)) {
                    if (cancelled()) {
                        throw new InterruptedException("the client went away");
                    }
                    throw stalled(eid);
                }
                while (!call.isReady()) {
                    if (cancelled()) {
                        throw new InterruptedException("the client went away");
                    }
                    if (System.nanoTime() - stalledSince > stallNanos) {
                        throw stalled(eid);
                    }
                    Thread.sleep(5);
                }
            }

            private QueryException stalled(long eid) {
                return new QueryException(ErrorCode.LIMIT_EXCEEDED, "the subscriber read nothing for "
                        + config.events().stallTimeout().toSeconds() + " s (hostquery.events.stall-timeout); resume after "
                        + "cursor " + EventTable.eidText(eid - 1), -1, "stall_timeout");
            }
        }, failure -> {
            if (!call.isCancelled()) {
                call.onError(failure instanceof QueryException q ? GrpcErrors.of(q)
                        : GrpcErrors.error(Status.INTERNAL, "internal", "the subscription failed: " + failure.getMessage()));
            }
        });
        // the context, not the observer's cancel handler: with blocking methods that event can queue behind the call
        context.addListener(c -> handle.cancel(), Runnable::run);
    }
}
