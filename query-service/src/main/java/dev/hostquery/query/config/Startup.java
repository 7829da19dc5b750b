package dev.hostquery.query.config;

import dev.hostquery.query.sqlite.QueryEngine;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Builds the engine when the service starts, so that a bad configuration fails the start, not the first query. */
@ApplicationScoped
public class Startup {
    @Inject
    QueryEngine engine;

    void onStart(@Observes StartupEvent event) {
        engine.limits();
    }
}
