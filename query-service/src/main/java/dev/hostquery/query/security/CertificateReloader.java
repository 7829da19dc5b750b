package dev.hostquery.query.security;

import dev.hostquery.query.config.HostqueryConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Serves new certificate files without a restart, once they changed: every {@code hostquery.security.tls-reload-interval}
 * it looks at the files the HTTP server's TLS configuration names (where their links lead, their size and modification
 * time), and only when one differs asks the TLS registry to read them again and tells the HTTP server
 * ({@link CertificateUpdatedEvent}, which Quarkus' listener applies to every server using that configuration).
 *
 * <p>Not Quarkus' own {@code quarkus.tls.reload-period}: that reloads and swaps the server's TLS options at every
 * period whether or not anything changed, and a handshake that meets the swap is cut off, so clients saw sporadic
 * handshake failures. Replace the files atomically (a Kubernetes Secret volume does: one rename of its data link);
 * a pair that does not load keeps the previous one in service and is logged.
 */
@ApplicationScoped
public class CertificateReloader {
    private static final Logger LOG = Logger.getLogger(CertificateReloader.class);

    @Inject
    TlsConfigurationRegistry registry;

    @Inject
    Event<CertificateUpdatedEvent> updated;

    @Inject
    Vertx vertx;

    @Inject
    HostqueryConfig config;

    @ConfigProperty(name = "quarkus.http.tls-configuration-name")
    Optional<String> tlsName;

    /** The files, read from the configuration at start (not on a worker thread, whose class loader may differ). */
    private List<String> files = List.of();
    private volatile List<String> seen;
    private long timer = -1;

    void start(@Observes StartupEvent event) {
        files = files();
        if (dev.hostquery.query.config.Startup.failed() || files.isEmpty()) {
            return;
        }
        seen = fingerprint();
        long interval = Math.max(100, config.security().tlsReloadInterval().toMillis());
        LOG.infof("TLS: certificate files %s, looked at every %d ms", String.join(", ", files), interval);
        timer = vertx.setPeriodic(interval, id -> vertx.executeBlocking(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                LOG.warnf("TLS: the certificate files could not be looked at: %s", e.toString());
            }
            return null;
        }, false));
    }

    @PreDestroy
    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Reloads when a file changed; runs on a worker thread. */
    void check() {
        List<String> now = fingerprint();
        if (now.equals(seen)) {
            return;
        }
        seen = now;
        Optional<TlsConfiguration> tls = tlsName.isPresent() ? registry.get(tlsName.get()) : registry.getDefault();
        if (tls.isEmpty()) {
            LOG.warnf("TLS: the certificate files changed, but the TLS registry has no configuration %s",
                    tlsName.orElse("<default>"));
            return;
        }
        try {
            if (tls.get().reload()) {
                updated.fire(new CertificateUpdatedEvent(tls.get().getName(), tls.get()));
                LOG.infof("TLS: the certificate files changed and are served now (%s)", String.join(", ", files));
            } else {
                LOG.warnf("TLS: the certificate files changed but could not be loaded; the previous ones stay in service");
            }
        } catch (RuntimeException e) {
            LOG.warnf("TLS: the certificate files changed but could not be loaded (%s); the previous ones stay in service",
                    e.getMessage());
        }
    }

    /**
     * The settings of a TLS configuration (named, or the default one) that name files of its key store or trust store,
     * by their name after {@code quarkus.tls.[<name>.]} ({@code key-store.pem.0.cert}, {@code trust-store.p12.path}, …),
     * to their values. From the configuration, not the TLS registry: its beans are not built early in the start.
     */
    static Map<String, String> fileSettings(Optional<String> tlsName) {
        Config c = ConfigProvider.getConfig();
        String prefix = "quarkus.tls." + tlsName.map(name -> name + ".").orElse("");
        Map<String, String> settings = new java.util.TreeMap<>();
        for (String name : c.getPropertyNames()) {
            if ((name.startsWith(prefix + "key-store.") || name.startsWith(prefix + "trust-store."))
                    && (name.endsWith(".cert") || name.endsWith(".key") || name.endsWith(".certs") || name.endsWith(".path"))) {
                c.getOptionalValue(name, String.class).ifPresent(v -> settings.put(name.substring(prefix.length()), v));
            }
        }
        return settings;
    }

    /** The files of the TLS configuration's key store and trust store (PEM files, key store files). */
    private List<String> files() {
        List<String> files = new ArrayList<>();
        for (String value : fileSettings(tlsName).values()) {
            for (String f : value.split(",")) {
                if (!f.isBlank()) {
                    files.add(f.strip());
                }
            }
        }
        files.sort(null);
        return files;
    }

    /** Where each file's links lead, with its size and modification time; "missing" for one that is not there. */
    private List<String> fingerprint() {
        List<String> result = new ArrayList<>();
        for (String file : files) {
            try {
                Path real = Path.of(file).toRealPath();
                result.add(real + " " + Files.size(real) + " " + Files.getLastModifiedTime(real).toMillis());
            } catch (IOException e) {
                result.add(file + " missing");
            }
        }
        return result;
    }
}
