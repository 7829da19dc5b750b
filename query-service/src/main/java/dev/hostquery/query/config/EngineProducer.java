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

    @Produces
    @Singleton
    Catalog catalog(HostRoot root, Optional<EventManager> events) {
        List<Table> tables = new ArrayList<>(LinuxTables.all(root));
        events.ifPresent(manager -> tables.addAll(manager.tables()));
        return new Catalog(tables);
    }

    @Produces
    @Singleton
    QueryEngine engine(Catalog catalog, HostqueryConfig config) {
        HostqueryConfig.Query q = config.query();
        QueryLimits limits = new QueryLimits(q.timeout().toMillis(), q.maxRows(), q.maxResultBytes());
        int perClient = q.connectionsPerClient().orElse(Math.max(1, q.connections() / 2));
        long perQuery = q.memoryPerQuery().orElse(q.heapLimit() / 4);
        int queriesPerPrincipal = config.security().maxQueriesPerPrincipal().orElse(2 * q.connections());
        QueryEngine engine = new QueryEngine(catalog.tables(), limits, new EngineSettings(q.connections(), q.heapLimit(), perQuery,
                q.tableThreads(), q.tableQueue(), perClient, queriesPerPrincipal));
        LOG.infof("query engine ready: %d tables, %d connections (%d per client), SQLite %s, host root %s",
                catalog.tables().size(), q.connections(), perClient, QueryEngine.sqliteVersion(), config.hostRoot());
        return engine;
    }

    void close(@Disposes QueryEngine engine) {
        engine.close();
    }
}
