package dev.hostquery.query.rest;

import dev.hostquery.query.config.HostqueryConfig;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.Router;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Request bodies of the REST API ({@code /v1/*}) are read whole by Vert.x, without blocking, before the request
 * reaches its endpoint: RESTEasy then reads the buffered body ({@code RoutingContext.getBody()}) instead of
 * reading the connection on a worker thread, where 200 half-sent bodies held 200 worker threads and stalled the
 * service. Bodies over {@code quarkus.http.limits.max-body-size} are refused with 413 by the same handler. HTTP/1.x
 * only: RESTEasy pauses each request, which an HTTP/2 request that was read already refuses, so HTTP/2 bodies are
 * still read on a worker, for at most the body timeout.
 *
 * <p>Every HTTP request also gets {@code hostquery.http.body-timeout} to finish sending its body; a client that
 * sends headers and half a body would otherwise keep its connection and the buffered half for as long as the
 * idle timeout (30 minutes). After the timeout the client gets a 408 problem document and its connection is
 * closed (HTTP/2: the stream is reset). gRPC calls are left alone: their request stream is the call itself.
 */
@ApplicationScoped
public class RequestBodies {
    private static final String PROBLEM = "{\"type\":\"urn:hostquery:error:bad_request\",\"title\":\"%s\","
            + "\"status\":%d,\"code\":\"bad_request\",\"detail\":\"%s\"}";

    @Inject
    HostqueryConfig config;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "1M")
    MemorySize maxBodySize;

    /** Buffers /v1/* bodies ahead of RESTEasy, before any route of the application (order -100). */
    void buffer(@Observes Router router) {
        long limit = maxBodySize.asLongValue();
        String tooLarge = PROBLEM.formatted("Payload too large", 413, "the request body is larger than " + limit
                + " bytes (quarkus.http.limits.max-body-size)");
        router.route("/v1/*").order(-100).handler(rc -> {
            HttpServerRequest request = rc.request();
            if (request.version() == HttpVersion.HTTP_2) {
                // RESTEasy pauses every request it takes, and an HTTP/2 request refuses a pause once it has been read:
                // HTTP/2 bodies are read by RESTEasy as before, bounded by the body timeout below
                rc.next();
                return;
            }
            if (request.isEnded()) {
                rc.setBody(Buffer.buffer());
                rc.next();
                return;
            }
            Buffer body = Buffer.buffer();
            boolean[] refused = {false};
            request.handler(chunk -> {
                if (refused[0]) {
                    return;
                }
                if (body.length() + chunk.length() > limit) {
                    refused[0] = true;
                    rc.response().setStatusCode(413).putHeader("content-type", Problems.MEDIA_TYPE).putHeader("connection", "close")
                            .end(tooLarge).onComplete(done -> request.connection().close());
                    return;
                }
                body.appendBuffer(chunk);
            });
            // a connection closed mid-body has nobody to answer: end quietly instead of failing the route, which
            // would log an error for every client that hangs up
            request.exceptionHandler(failure -> refused[0] = true);
            request.endHandler(done -> {
                if (!refused[0]) {
                    rc.setBody(body);
                    rc.next();
                }
            });
            request.resume();
        });
    }

    void register(@Observes Filters filters) {
        long timeout = config.http().bodyTimeout().toMillis();
        String body = PROBLEM.formatted("Request timeout", 408, "the request body did not arrive within " + timeout
                + " ms (hostquery.http.body-timeout)");
        filters.register(rc -> {
            HttpServerRequest request = rc.request();
            String type = request.getHeader("content-type");
            if (!request.isEnded() && (type == null || !type.startsWith("application/grpc"))) {
                long timer = rc.vertx().setTimer(timeout, id -> {
                    if (request.isEnded() || rc.response().ended()) {
                        return;
                    }
                    if (request.version() == HttpVersion.HTTP_2) {
                        rc.response().reset();
                        return;
                    }
                    rc.response().setStatusCode(408).putHeader("content-type", Problems.MEDIA_TYPE)
                            .putHeader("connection", "close").end(body).onComplete(done -> request.connection().close());
                });
                rc.addEndHandler(done -> rc.vertx().cancelTimer(timer));
            }
            rc.next();
        }, 1000);
    }
}
