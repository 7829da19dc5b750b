package dev.hostquery.query.config;

import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.LinuxTables;
import dev.hostquery.query.catalog.Catalog;
import dev.hostquery.query.sqlite.QueryEngine;
import dev.hostquery.query.sqlite.QueryLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** Builds the catalog and the query engine from {@link HostqueryConfig} at start, and closes the engine at stop. */
@ApplicationScoped
public class EngineProducer {
    private static final Logger LOG = Logger.getLogger(EngineProducer.class);

    @Produces
    @Singleton
    Catalog catalog(HostqueryConfig config) {
        Path root = Path.of(config.hostRoot());
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("hostquery.host-root '" + root + "' is not a directory");
        }
        return new Catalog(LinuxTables.all(new HostRoot(root)));
    }

    @Produces
    @Singleton
    QueryEngine engine(Catalog catalog, HostqueryConfig config) {
        HostqueryConfig.Query q = config.query();
        QueryLimits limits = new QueryLimits(q.timeout().toMillis(), q.maxRows(), q.maxResultBytes());
        QueryEngine engine = new QueryEngine(catalog.tables(), q.connections(), limits, q.heapLimit());
        LOG.infof("query engine ready: %d tables, %d connections, SQLite %s, host root %s", catalog.tables().size(),
                q.connections(), QueryEngine.sqliteVersion(), config.hostRoot());
        return engine;
    }

    void close(@Disposes QueryEngine engine) {
        engine.close();
    }
}
