package dev.hostquery.query.security;

import dev.hostquery.query.sqlite.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates every request before any route of the application sees it (order -110: before the body is even
 * read): REST, SSE, OpenAPI and metrics, and gRPC, which Quarkus serves from the same router. The health probes
 * ({@code /q/health}) are the one exception. A request without a principal gets 401 (a problem document with
 * {@code WWW-Authenticate: Bearer}; a gRPC call a trailers-only UNAUTHENTICATED status) and nothing else runs.
 *
 * <p>Endpoints read the principal with {@link #principal(RoutingContext)}. gRPC services cannot see the routing
 * context, so the principal is handed to {@link dev.hostquery.query.grpc.PrincipalInterceptor} through a random
 * per-request reference in the {@value #REFERENCE_HEADER} header (a client's own header of that name is removed),
 * valid until the response ends.
 */
@ApplicationScoped
public class AuthenticationFilter {
    public static final String PRINCIPAL = "hostquery.principal";
    public static final String REFERENCE_HEADER = "hostquery-principal-ref";
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** A gRPC call's principal, and whether its HTTP/2 stream has ended (a reset included). */
    public record Reference(Principal principal, java.util.concurrent.atomic.AtomicBoolean ended) {
    }

    private final Map<String, Reference> byReference = new ConcurrentHashMap<>();

    @Inject
    Authenticator authenticator;

    @Inject
    AuditLog audit;

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper mapper;

    void register(@Observes Router router) {
        router.route().order(-110).handler(this::authenticate);
    }

    /** The principal of a request that passed this filter. */
    public static Principal principal(RoutingContext rc) {
        Principal principal = rc.get(PRINCIPAL);
        if (principal == null) {
            throw new IllegalStateException("a request reached an endpoint without passing authentication");
        }
        return principal;
    }

    /** What a gRPC call's reference stands for, or null when there is none (or its stream ended). */
    public Reference byReference(String reference) {
        return reference == null ? null : byReference.get(reference);
    }

    private void authenticate(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (dev.hostquery.query.config.Startup.failed()) {
            // the start was refused (an unsafe listener, say) and the service is exiting: Quarkus opens its listeners
            // anyway before it stops, and nothing may be served through them meanwhile
            request.connection().close();
            return;
        }
        request.headers().remove(REFERENCE_HEADER);
        if (rc.normalizedPath().startsWith("/q/health")) {
            rc.next();
            return;
        }
        var pending = authenticator.authenticate(request);
        if (pending.isDone()) {
            Throwable failure = failure(pending);
            proceed(rc, failure == null ? pending.join() : null, failure);
            return;
        }
        // a token review with the API server: the request waits, paused, without holding the event loop. What
        // comes next resumes it when it reads the body: RequestBodies (HTTP/1.x), RESTEasy (HTTP/2), each after
        // setting its handlers; a resume here would undo RESTEasy's own pause and drop the body. gRPC's bridge does
        // not resume, so a gRPC call is resumed once it has its handlers.
        request.pause();
        Context context = Vertx.currentContext();
        pending.whenComplete((principal, failure) -> context.runOnContext(v -> {
            proceed(rc, principal, failure);
            if (isGrpc(request) && !rc.response().ended()) {
                request.resume();
            }
        }));
    }

    private static Throwable failure(java.util.concurrent.CompletableFuture<Principal> done) {
        try {
            done.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    private void proceed(RoutingContext rc, Principal principal, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (principal == null) {
            Authenticator.Refusal refusal = cause instanceof Authenticator.Refusal r ? r
                    : new Authenticator.Refusal(ErrorCode.UNAUTHENTICATED, "the credentials could not be checked");
            audit.refused(transport(rc.request()), Authenticator.remote(rc.request()), rc.request().path(),
                    refusal.code().code());
            refuse(rc, refusal.code(), refusal.getMessage());
            return;
        }
        rc.put(PRINCIPAL, principal);
        if (isGrpc(rc.request())) {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            String reference = HexFormat.of().formatHex(bytes);
            Reference entry = new Reference(principal, new java.util.concurrent.atomic.AtomicBoolean());
            byReference.put(reference, entry);
            rc.addEndHandler(done -> {
                // the stream is over, however it ended: a call that missed its cancellation still learns of it
                entry.ended().set(true);
                byReference.remove(reference);
            });
            rc.request().headers().set(REFERENCE_HEADER, reference);
        }
        rc.next();
    }

    /** Answers 401 (or 503 when a review could not be made) in the request's own protocol. */
    void refuse(RoutingContext rc, ErrorCode code, String message) {
        HttpServerResponse response = rc.response();
        if (isGrpc(rc.request())) {
            int status = code == ErrorCode.UNAUTHENTICATED ? 16 : code == ErrorCode.FORBIDDEN ? 7 : 14;
            response.setStatusCode(200).putHeader("content-type", "application/grpc")
                    .putHeader("grpc-status", Integer.toString(status))
                    .putHeader("grpc-message", URLEncoder.encode(message, StandardCharsets.UTF_8).replace("+", "%20"))
                    .end();
            return;
        }
        String title = code == ErrorCode.UNAUTHENTICATED ? "Unauthorized" : code == ErrorCode.FORBIDDEN ? "Forbidden"
                : "Authentication unavailable";
        String body = mapper.createObjectNode().put("type", "urn:hostquery:error:" + code.code()).put("title", title)
                .put("status", code.httpStatus()).put("code", code.code()).put("detail", message).toString();
        if (code == ErrorCode.UNAUTHENTICATED) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"hostquery\"");
        }
        response.setStatusCode(code.httpStatus()).putHeader("content-type", "application/problem+json").end(body);
    }

    static boolean isGrpc(HttpServerRequest request) {
        String type = request.getHeader("content-type");
        return type != null && type.startsWith("application/grpc");
    }

    /** How a request came, for the audit log: grpc, sse (an event stream), or rest. */
    static String transport(HttpServerRequest request) {
        if (isGrpc(request)) {
            return "grpc";
        }
        return request.path() != null && request.path().startsWith("/v1/events/") ? "sse" : "rest";
    }
}
