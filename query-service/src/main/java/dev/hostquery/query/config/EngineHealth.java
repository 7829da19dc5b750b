package dev.hostquery.query.config;

import dev.hostquery.query.sqlite.QueryEngine;
import dev.hostquery.query.sqlite.QueryException;
import dev.hostquery.query.sqlite.QueryLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the engine answers {@code SELECT 1} within a second. */
@Readiness
@ApplicationScoped
public class EngineHealth implements HealthCheck {
    @Inject
    QueryEngine engine;

    @Override
    public HealthCheckResponse call() {
        try {
            engine.query("SELECT 1", new QueryLimits(1_000, 1, 0));
            return HealthCheckResponse.named("query-engine").up().withData("sqlite", QueryEngine.sqliteVersion()).build();
        } catch (QueryException e) {
            return HealthCheckResponse.named("query-engine").down().withData("error", e.getMessage()).build();
        }
    }
}
