package dev.hostquery.query.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostquery.query.config.HostqueryConfig;
import dev.hostquery.query.sqlite.Caller;
import dev.hostquery.query.sqlite.QueryEngine;
import dev.hostquery.query.sqlite.QueryListener;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * One JSON line per request to the {@code hostquery.audit} log category: {@code time}, {@code principal},
 * {@code transport}, {@code remote}, the {@code sql} or the {@code subscription}, {@code tables} read,
 * {@code rows}, {@code bytes}, {@code duration_ms} and {@code outcome} ({@code ok} or the error code). Requests
 * refused before they ran (401) are lines too. Each line goes as it is to stdout (the category's console handler,
 * application.properties) and, with {@code hostquery.audit.file}, to a file rotated by size (JBoss LogManager's
 * {@code SizeRotatingFileHandler}, owned here and closed at stop).
 *
 * <p>On when {@code hostquery.audit.enabled} says so; by default when the service listens off loopback. Queries
 * reach it from the engine ({@link QueryListener}), so every transport is audited in one place. Never logs a
 * credential: principals are names.
 */
@ApplicationScoped
public class AuditLog {
    private static final Logger AUDIT = Logger.getLogger("hostquery.audit");

    @Inject
    HostqueryConfig config;

    @Inject
    ObjectMapper mapper;

    @ConfigProperty(name = "quarkus.http.host", defaultValue = "127.0.0.1")
    String host;

    private volatile boolean enabled;
    private boolean stdout;
    private org.jboss.logmanager.handlers.SizeRotatingFileHandler file;

    void start(@Observes StartupEvent event, jakarta.enterprise.inject.Instance<QueryEngine> engines) throws java.io.IOException {
        if (dev.hostquery.query.config.Startup.failed()) {
            return; // the start failed and said why; the engine may not even exist
        }
        QueryEngine engine = engines.get();
        HostqueryConfig.Audit settings = config.audit();
        enabled = settings.enabled().orElse(!ListenerCheck.isLoopbackHost(host));
        stdout = settings.stdout();
        if (enabled && settings.file().isPresent()) {
            java.nio.file.Path path = java.nio.file.Path.of(settings.file().get()).toAbsolutePath();
            java.nio.file.Files.createDirectories(path.getParent());
            file = new org.jboss.logmanager.handlers.SizeRotatingFileHandler(path.toFile(), true);
            file.setRotateSize(settings.maxFileSize().asLongValue());
            file.setMaxBackupIndex(settings.maxBackups());
            file.setFormatter(new org.jboss.logmanager.formatters.PatternFormatter("%s%n"));
            file.setAutoFlush(true);
        }
        if (enabled) {
            engine.setListener(this::query);
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        if (file != null) {
            file.close();
        }
    }

    public boolean enabled() {
        return enabled;
    }

    private void query(Caller caller, String sql, QueryListener.Outcome outcome) {
        ObjectNode line = line(caller.client(), caller.transport(), caller.remote());
        line.put("sql", sql);
        tables(line, outcome.tables());
        line.put("rows", outcome.rows()).put("bytes", outcome.bytes()).put("duration_ms", outcome.nanos() / 1_000_000L)
                .put("outcome", outcome.failure() == null ? "ok" : outcome.failure().code().code());
        write(line);
    }

    /** A subscription that ended: how many events it delivered and why it ended. */
    public void subscription(Principal principal, String transport, String remote, String table, String filter, long events,
            long nanos, String outcome) {
        if (!enabled) {
            return;
        }
        ObjectNode line = line(principal.name(), transport, remote);
        line.putObject("subscription").put("table", table).put("filter", filter);
        tables(line, java.util.Set.of(table));
        line.put("rows", events).put("duration_ms", nanos / 1_000_000L).put("outcome", outcome);
        write(line);
    }

    /** A request refused before it ran: unauthenticated, or a review that could not be made. */
    public void refused(String transport, String remote, String path, String outcome) {
        if (!enabled) {
            return;
        }
        ObjectNode line = line(null, transport, remote);
        line.put("path", path).put("outcome", outcome);
        write(line);
    }

    private ObjectNode line(String principal, String transport, String remote) {
        ObjectNode line = mapper.createObjectNode().put("time", Instant.now().toString());
        if (principal == null) {
            line.putNull("principal");
        } else {
            line.put("principal", principal);
        }
        return line.put("transport", transport).put("remote", remote);
    }

    private static void tables(ObjectNode line, java.util.Set<String> tables) {
        var array = line.putArray("tables");
        new TreeSet<>(tables).forEach(array::add);
    }

    private void write(ObjectNode line) {
        String text = line.toString();
        if (stdout) {
            AUDIT.info(text);
        }
        if (file != null) {
            file.publish(new org.jboss.logmanager.ExtLogRecord(java.util.logging.Level.INFO, text, AuditLog.class.getName()));
        }
    }
}
