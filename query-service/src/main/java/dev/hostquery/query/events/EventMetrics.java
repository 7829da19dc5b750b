package dev.hostquery.query.events;

import dev.hostquery.events.framework.EventManager;
import dev.hostquery.events.framework.EventPublisher;
import dev.hostquery.events.framework.EventSubscriber;
import dev.hostquery.events.store.EventStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Event pipeline figures on the metrics endpoint: events captured and dropped per publisher, events stored per
 * subscriber, events expired and buffered per table, and the store's size on disk.
 */
@ApplicationScoped
public class EventMetrics {
    @Inject
    jakarta.enterprise.inject.Instance<Optional<EventManager>> events;
    @Inject
    MeterRegistry registry;

    /** A store figure, or NaN once the store is closed (a registry can outlive the store in tests and at shutdown). */
    private static double orNaN(java.util.function.LongSupplier figure) {
        try {
            return figure.getAsLong();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    void register(@Observes @jakarta.annotation.Priority(10) StartupEvent event) {
        if (dev.hostquery.query.config.Startup.failed()) {
            return;
        }
        events.get().ifPresent(manager -> {
            EventStore store = manager.store();
            for (EventPublisher<?> p : manager.publishers()) {
                FunctionCounter.builder("hostquery.events.captured", p, EventPublisher::events).tag("publisher", p.name())
                        .description("Raw events read from the source").register(registry);
                FunctionCounter.builder("hostquery.events.dropped", p, EventPublisher::dropped).tag("publisher", p.name())
                        .description("Events the source lost (queue overflows, buffer overruns)").register(registry);
                for (EventSubscriber<?> s : p.subscribers()) {
                    FunctionCounter.builder("hostquery.events.stored", s, EventSubscriber::stored).tag("table", s.table().name())
                            .description("Events stored").register(registry);
                    FunctionCounter.builder("hostquery.events.store.errors", s, EventSubscriber::errors).tag("table", s.table().name())
                            .description("Batches that failed to store").register(registry);
                }
            }
            for (String table : store.tables()) {
                FunctionCounter.builder("hostquery.events.expired", store, st -> orNaN(() -> st.stats(table).expired()))
                        .tag("table", table).description("Events expired from the store").register(registry);
                Gauge.builder("hostquery.events.buffered", store, st -> orNaN(() -> st.stats(table).count())).tag("table", table)
                        .description("Events in the store now").register(registry);
            }
            Gauge.builder("hostquery.events.store.size", store, st -> orNaN(st::sizeBytes)).baseUnit("bytes")
                    .description("Bytes the event store holds on disk").register(registry);
        });
    }
}
