package dev.hostquery.query.rest;

import dev.hostquery.query.config.HostqueryConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Gives every HTTP request {@code hostquery.http.body-timeout} to finish sending its body. Vert.x reads bodies
 * without blocking, but a client that sends headers and half a body would otherwise keep its connection and the
 * buffered half for as long as the idle timeout (30 minutes). After the timeout the client gets a 408 problem
 * document and its connection is closed (HTTP/2: the stream is reset). gRPC calls are left alone: their
 * request stream is the call itself.
 */
@ApplicationScoped
public class RequestBodyTimeout {
    private static final String BODY = "{\"type\":\"urn:hostquery:error:bad_request\",\"title\":\"Request timeout\","
            + "\"status\":408,\"code\":\"bad_request\",\"detail\":\"the request body did not arrive within %d ms "
            + "(hostquery.http.body-timeout)\"}";

    @Inject
    HostqueryConfig config;

    void register(@Observes Filters filters) {
        long timeout = config.http().bodyTimeout().toMillis();
        String body = BODY.formatted(timeout);
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
