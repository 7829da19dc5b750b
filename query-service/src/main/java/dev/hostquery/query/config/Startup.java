package dev.hostquery.query.config;

import dev.hostquery.query.sqlite.QueryEngine;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Builds the engine and starts event capture when the service starts, so a bad configuration fails the start, not the first query. */
@ApplicationScoped
public class Startup {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Startup.class);

    @Inject
    QueryEngine engine;

    @Inject
    java.util.Optional<dev.hostquery.events.framework.EventManager> events;

    /** Builds the engine, then starts the event publishers; one that cannot start is logged and left FAILED. */
    void onStart(@Observes StartupEvent event) {
        engine.limits();
        events.ifPresent(manager -> manager.start()
                .forEach(failure -> LOG.warnf("event publisher not running: %s (see hostquery_events)", failure)));
    }
}
