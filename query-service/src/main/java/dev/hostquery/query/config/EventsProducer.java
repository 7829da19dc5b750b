package dev.hostquery.query.config;

import dev.hostquery.events.audit.AuditProcessEventsSubscriber;
import dev.hostquery.events.audit.AuditPublisher;
import dev.hostquery.events.audit.SocketEventsSubscriber;
import dev.hostquery.events.file.FileEventsSubscriber;
import dev.hostquery.events.file.InotifyPublisher;
import dev.hostquery.events.framework.EventManager;
import dev.hostquery.events.process.ProcConnectorPublisher;
import dev.hostquery.events.process.ProcessEventsSubscriber;
import dev.hostquery.events.store.EventStore;
import dev.hostquery.events.tables.EventTableSpecs;
import dev.hostquery.linux.HostRoot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Opens the event store and assembles the publishers and subscribers from {@link HostqueryConfig.Events}; stops
 * publishers before closing the store at shutdown. With events disabled there is no manager.
 */
@ApplicationScoped
public class EventsProducer {
    private static final Logger LOG = Logger.getLogger(EventsProducer.class);
    static final List<String> TABLES = List.of(EventTableSpecs.FILE_EVENTS.name(), EventTableSpecs.PROCESS_EVENTS.name(),
            EventTableSpecs.SOCKET_EVENTS.name());

    @Produces
    @Singleton
    Optional<EventManager> events(HostqueryConfig config, HostRoot root) {
        HostqueryConfig.Events c = config.events();
        if (!c.enabled()) {
            return Optional.empty();
        }
        EventStore store = EventStore.open(Path.of(c.storePath()), TABLES, new EventStore.Retention(c.maxAge(), c.maxEvents()),
                c.expiryInterval());
        EventManager manager = new EventManager(store);
        Set<String> hashed = new HashSet<>(c.file().hashCategories().orElse(List.of()));
        manager.add(new InotifyPublisher(root, c.file().paths(), c.file().excludePaths().orElse(List.of())),
                new FileEventsSubscriber(store, root, hashed));
        String processes = c.process().backend();
        String sockets = c.socket().backend();
        if (!List.of("proc_connector", "audit", "none").contains(processes)) {
            throw new IllegalArgumentException("hostquery.events.process.backend must be proc_connector, audit or none, got '"
                    + processes + "'");
        }
        if (!List.of("audit", "none").contains(sockets)) {
            throw new IllegalArgumentException("hostquery.events.socket.backend must be audit or none, got '" + sockets + "'");
        }
        if (processes.equals("proc_connector")) {
            manager.add(new ProcConnectorPublisher(root), new ProcessEventsSubscriber(store));
        }
        boolean auditProcesses = processes.equals("audit");
        boolean auditSockets = sockets.equals("audit");
        if (auditProcesses || auditSockets) {
            Path state = store.path().resolveSibling(store.path().getFileName() + ".audit-state");
            AuditPublisher audit = new AuditPublisher(root, state, auditProcesses, auditSockets);
            if (auditProcesses && auditSockets) {
                manager.add(audit, new AuditProcessEventsSubscriber(store), new SocketEventsSubscriber(store));
            } else if (auditProcesses) {
                manager.add(audit, new AuditProcessEventsSubscriber(store));
            } else {
                manager.add(audit, new SocketEventsSubscriber(store));
            }
        }
        manager.declare(EventTableSpecs.PROCESS_EVENTS);
        manager.declare(EventTableSpecs.SOCKET_EVENTS);
        LOG.infof("event store at %s: %s", store.path(), store.tables());
        return Optional.of(manager);
    }

    void close(@Disposes Optional<EventManager> events) {
        events.ifPresent(manager -> {
            manager.close();
            manager.store().close();
        });
    }
}
