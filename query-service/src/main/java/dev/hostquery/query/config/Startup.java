package dev.hostquery.query.config;

import dev.hostquery.events.framework.EventManager;
import dev.hostquery.query.sqlite.QueryEngine;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Builds the engine and starts event capture when the service starts, so that a bad configuration fails the
 * start, not the first query. A failure is one log line that says what is wrong (a host root that is not a
 * directory, an event store another process holds, an unknown backend), then the service exits with status 1.
 */
@ApplicationScoped
public class Startup {
    private static final Logger LOG = Logger.getLogger(Startup.class);
    private static volatile boolean failed;

    @Inject
    Instance<QueryEngine> engine;

    @Inject
    Instance<Optional<EventManager>> events;

    /**
     * Refuses the start: logs one line, "hostquery cannot start: {@code reason}", marks the start failed (readiness
     * says so, and the authentication filter serves nothing meanwhile) and exits with status 1.
     */
    public static void fail(String reason) {
        failed = true;
        LOG.errorf("hostquery cannot start: %s", reason);
        Quarkus.asyncExit(1);
    }

    /** True when the start failed and the service is exiting. */
    public static boolean failed() {
        return failed;
    }

    /** Builds the engine, then starts the event publishers; one that cannot start is logged and left FAILED. */
    void onStart(@Observes @Priority(1) StartupEvent event) {
        if (failed) {
            return;
        }
        try {
            engine.get().limits();
            events.get().ifPresent(manager -> manager.start()
                    .forEach(failure -> LOG.warnf("event publisher not running: %s (see hostquery_events)", failure)));
        } catch (RuntimeException e) {
            fail(reason(e));
        }
    }

    /**
     * What the producer said: the message of the outermost exception of hostquery's or of the JDK's, past the
     * container's wrapping; else the innermost message.
     */
    public static String reason(Throwable t) {
        String innermost = t.toString();
        for (Throwable c = t; c != null; c = c.getCause()) {
            String type = c.getClass().getName();
            if (c.getMessage() != null && (type.startsWith("dev.hostquery.") || type.startsWith("java."))) {
                return c.getMessage();
            }
            if (c.getMessage() != null) {
                innermost = c.getMessage();
            }
        }
        return innermost;
    }
}
