package dev.hostquery.query.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Puts the calling client's address (the IP, without the port) into the gRPC context, where the services read it
 * as the client the engine shares connections by ({@link #CLIENT}); "unknown" when the transport does not say.
 */
@ApplicationScoped
@GlobalInterceptor
public class ClientAddressInterceptor implements ServerInterceptor {
    static final Context.Key<String> CLIENT = Context.key("hostquery-client");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SocketAddress address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String client = address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : "unknown";
        return Contexts.interceptCall(Context.current().withValue(CLIENT, client), call, headers, next);
    }

    /** The current call's client, inside a service method. */
    static String client() {
        String client = CLIENT.get();
        return client == null ? "unknown" : client;
    }
}
