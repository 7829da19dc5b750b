package dev.hostquery.query.grpc;

import dev.hostquery.query.security.AuthenticationFilter;
import dev.hostquery.query.security.Principal;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Puts the call's principal, which {@link AuthenticationFilter} established for the HTTP/2 request that carries the
 * call, into the gRPC context ({@link #principal()}), with the client's address ({@link #remote()}). A call without
 * one (it cannot reach here past the filter) is closed UNAUTHENTICATED before any service code runs.
 */
@ApplicationScoped
@GlobalInterceptor
public class PrincipalInterceptor implements ServerInterceptor {
    private static final Context.Key<Principal> PRINCIPAL = Context.key("hostquery-principal");
    private static final Context.Key<String> REMOTE = Context.key("hostquery-remote");
    private static final Context.Key<java.util.concurrent.atomic.AtomicBoolean> ENDED = Context.key("hostquery-stream-ended");
    private static final Metadata.Key<String> REFERENCE = Metadata.Key.of(AuthenticationFilter.REFERENCE_HEADER,
            Metadata.ASCII_STRING_MARSHALLER);

    @Inject
    AuthenticationFilter filter;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        AuthenticationFilter.Reference reference = filter.byReference(headers.get(REFERENCE));
        Principal principal = reference == null ? null : reference.principal();
        if (principal == null) {
            call.close(Status.UNAUTHENTICATED.withDescription("the call was not authenticated"), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        SocketAddress address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String remote = address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : "unix";
        Context context = Context.current().withValue(PRINCIPAL, principal).withValue(REMOTE, remote)
                .withValue(ENDED, reference.ended());
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** The current call's principal, inside a service method. */
    static Principal principal() {
        Principal principal = PRINCIPAL.get();
        if (principal == null) {
            throw new IllegalStateException("a gRPC call without a principal");
        }
        return principal;
    }

    /**
     * Whether the current call's HTTP/2 stream has ended, as Vert.x saw it: true also for a call whose cancellation
     * never reached gRPC's own listeners. Read it from the call's thread and keep the supplier.
     */
    static java.util.function.BooleanSupplier streamEnded() {
        java.util.concurrent.atomic.AtomicBoolean ended = ENDED.get();
        return ended == null ? () -> false : ended::get;
    }

    /** The current call's client address: an IP, or {@code unix} on the Unix socket. */
    static String remote() {
        String remote = REMOTE.get();
        return remote == null ? "unknown" : remote;
    }
}
