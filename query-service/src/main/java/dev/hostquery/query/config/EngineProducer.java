package dev.hostquery.query.config;

import dev.hostquery.api.Table;
import dev.hostquery.events.framework.EventManager;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.LinuxTables;
import dev.hostquery.query.catalog.Catalog;
import dev.hostquery.query.sqlite.EngineSettings;
import dev.hostquery.query.sqlite.QueryEngine;
import dev.hostquery.query.sqlite.QueryLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Builds the catalog and the query engine from {@link HostqueryConfig} at start, and closes the engine at stop. */
@ApplicationScoped
public class EngineProducer {
    private static final Logger LOG = Logger.getLogger(EngineProducer.class);

    @Produces
    @Singleton
    HostRoot hostRoot(HostqueryConfig config) {
        Path root = Path.of(config.hostRoot());
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("hostquery.host-root '" + root + "' is not a directory");
        }
        return new HostRoot(root);
    }

    /** The tables and the configured views; the views' columns are known once the engine prepared them. */
    @Produces
    @Singleton
    Catalog catalog(QueryEngine engine) {
        return new Catalog(engine.tables(), engine.views());
    }

    @Produces
    @Singleton
    QueryEngine engine(HostRoot root, Optional<EventManager> events, HostqueryConfig config) {
        List<Table> tables = new ArrayList<>(LinuxTables.all(root));
        events.ifPresent(manager -> tables.addAll(manager.tables()));
        org.eclipse.microprofile.config.Config settings = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        tables.addAll(dev.hostquery.query.catalog.ServiceTables.all(
                settings.getOptionalValue("quarkus.application.version", String.class).orElse("unknown"), root, settings));
        HostqueryConfig.Query q = config.query();
        QueryLimits limits = new QueryLimits(q.timeout().toMillis(), q.maxRows(), q.maxResultBytes());
        int perClient = q.connectionsPerClient().orElse(Math.max(1, q.connections() / 2));
        long perQuery = q.memoryPerQuery().orElse(q.heapLimit() / 4);
        int queriesPerPrincipal = config.security().maxQueriesPerPrincipal().orElse(2 * q.connections());
        QueryEngine engine = new QueryEngine(tables, limits, new EngineSettings(q.connections(), q.heapLimit(), perQuery,
                q.tableThreads(), q.tableQueue(), perClient, queriesPerPrincipal), config.views());
        LOG.infof("query engine ready: %d tables%s, %d connections (%d per client), SQLite %s, host root %s",
                tables.size(), engine.views().isEmpty() ? "" : " and " + engine.views().size() + " views", q.connections(),
                perClient, QueryEngine.sqliteVersion(), config.hostRoot());
        return engine;
    }

    void close(@Disposes QueryEngine engine) {
        engine.close();
    }
}
