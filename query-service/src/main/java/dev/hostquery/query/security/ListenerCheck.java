package dev.hostquery.query.security;

import dev.hostquery.query.config.HostqueryConfig;
import dev.hostquery.query.config.Startup;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.DomainSocketServerStart;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What the service listens on, checked before it listens:
 * <ul>
 * <li>an address off loopback needs TLS (a key store in quarkus.tls, plain HTTP disabled) and a way to authenticate
 * remote clients (tokens, Kubernetes or client certificates); otherwise the start is refused with one line naming
 * the settings to add, unless {@code hostquery.security.insecure=true}, which is logged as a warning each start;</li>
 * <li>the Unix socket's directory is created, a stale socket left by a crash is removed, and once the socket is
 * bound it gets mode 0660 and the configured group, so that only that group's members can connect.</li>
 * </ul>
 */
@ApplicationScoped
public class ListenerCheck {
    private static final Logger LOG = Logger.getLogger(ListenerCheck.class);

    @Inject
    HostqueryConfig config;

    @Inject
    Authenticator authenticator;

    @ConfigProperty(name = "quarkus.http.host", defaultValue = "127.0.0.1")
    String host;

    @ConfigProperty(name = "quarkus.http.insecure-requests", defaultValue = "enabled")
    String insecureRequests;

    @ConfigProperty(name = "quarkus.http.tls-configuration-name")
    Optional<String> tlsName;

    @ConfigProperty(name = "quarkus.http.domain-socket-enabled", defaultValue = "false")
    boolean socketEnabled;

    @ConfigProperty(name = "quarkus.http.domain-socket", defaultValue = "/var/run/vertx.sock")
    String socketPath;

    /** Runs before the engine is built (priority 0) and before any listener opens. */
    void check(@Observes @Priority(0) StartupEvent event) {
        try {
            authenticator.roles(); // built now, not at the first request: a bad tokens file or role fails the start
        } catch (RuntimeException e) {
            Startup.fail(Startup.reason(e));
            return;
        }
        if (!config.security().clientCertificates().isEmpty() && !configured("trust-store.", ".certs", ".path")) {
            // without a trust store of its own, TLS would take any certificate a public CA signed for that subject
            Startup.fail("hostquery.security.client-certificates maps certificates, but no trust store says which CA "
                    + "signs them: set quarkus.tls.trust-store.pem.certs to that CA's certificate");
            return;
        }
        String refusal = refusal();
        if (refusal != null) {
            if (config.security().insecure()) {
                LOG.warnf("INSECURE: %s; served anyway because hostquery.security.insecure=true", refusal);
            } else {
                Startup.fail(refusal);
                return;
            }
        }
        if (socketEnabled) {
            prepareSocket(Path.of(socketPath));
        }
    }

    /** Why listening on the configured host is unsafe, or null. */
    String refusal() {
        if (isLoopbackHost(host)) {
            return null;
        }
        boolean hasTls = configured("key-store.", ".cert", ".path");
        boolean plain = !"disabled".equalsIgnoreCase(insecureRequests);
        StringBuilder add = new StringBuilder();
        if (!hasTls) {
            add.append("a certificate (quarkus.tls.key-store.pem.0.cert and .key)");
        }
        if (plain) {
            add.append(add.isEmpty() ? "" : ", ").append("quarkus.http.insecure-requests=disabled");
        }
        if (!authenticator.authenticatesRemoteClients()) {
            add.append(add.isEmpty() ? "" : ", ").append("authentication (hostquery.security.tokens-file, "
                    + "hostquery.security.kubernetes.enabled=true or hostquery.security.client-certificates)");
        }
        return add.isEmpty() ? null : "quarkus.http.host=" + host + " is not loopback, so it needs TLS and authentication: "
                + "add " + add;
    }

    /**
     * Whether the HTTP server's TLS configuration sets a file under {@code part}: a PEM file (pem.<n>.cert,
     * pem.<n>.certs) or a key store (p12.path, jks.path), not a default such as sni.
     */
    private boolean configured(String part, String... endings) {
        for (String name : CertificateReloader.fileSettings(tlsName).keySet()) {
            if (name.startsWith(part)) {
                for (String ending : endings) {
                    if (name.endsWith(ending)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private void prepareSocket(Path socket) {
        try {
            Path parent = socket.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
            if (Files.exists(socket) && !listening(socket)) {
                Files.delete(socket); // left by a service that did not stop cleanly: nobody answers on it
            }
        } catch (IOException e) {
            Startup.fail("the Unix socket " + socket + " cannot be prepared (" + e + "): set quarkus.http.domain-socket "
                    + "to a writable place, or quarkus.http.domain-socket-enabled=false");
        }
    }

    private static boolean listening(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    /** Once bound (Quarkus fires the event asynchronously): mode 0660 and the configured group. */
    void bound(@ObservesAsync DomainSocketServerStart event) {
        Path socket = Path.of(socketPath);
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            Optional<String> group = config.security().unixSocket().group();
            if (group.isPresent()) {
                GroupPrincipal principal = socket.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(group.get());
                Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(principal);
            }
            LOG.infof("Unix socket %s: mode 0660, group %s", socket, group.orElse("of the service"));
        } catch (IOException | UnsupportedOperationException e) {
            Startup.fail("the Unix socket " + socket + " cannot get mode 0660 and group "
                    + config.security().unixSocket().group().orElse("of the service") + " (" + e.getMessage() + ")");
        }
    }

    /** Whether a quarkus.http.host value listens on loopback only. */
    static boolean isLoopbackHost(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.ofLiteral(host).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
