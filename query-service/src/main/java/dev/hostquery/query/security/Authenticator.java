package dev.hostquery.query.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostquery.query.config.HostqueryConfig;
import dev.hostquery.query.sqlite.ErrorCode;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;
import org.jboss.logging.Logger;

/**
 * The one authentication layer: turns a request's credentials into a {@link Principal} with roles, for REST, SSE
 * and gRPC alike. In order:
 * <ol>
 * <li>{@code Authorization: Bearer <token>}: a token of the tokens file, else (when enabled) a Kubernetes
 * service-account token reviewed by the API server; any other token is refused;</li>
 * <li>a client certificate that TLS verified against the trust store, mapped by subject or SAN;</li>
 * <li>on the Unix socket, the peer's uid and gid ({@code SO_PEERCRED}, socket(7));</li>
 * <li>on loopback TCP (plain or TLS) with no credentials, the anonymous roles, as {@code anonymous@<address>}.</li>
 * </ol>
 * Anything else is refused with 401. Credentials are never logged or kept: a token is hashed to look it up.
 */
@ApplicationScoped
public class Authenticator {
    private static final Logger LOG = Logger.getLogger(Authenticator.class);

    /** Why a request was not authenticated, with the status it gets (401, or 503 when a review was impossible). */
    public static final class Refusal extends RuntimeException {
        private final ErrorCode code;

        Refusal(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public ErrorCode code() {
            return code;
        }
    }

    @Inject
    HostqueryConfig config;

    @Inject
    ObjectMapper mapper;

    private Roles roles;
    private TokensFile tokens;
    private KubernetesReviews kubernetes;
    private ExecutorService reviewThreads;
    /** Roles of loopback clients without credentials; null for no anonymous access. */
    private Set<String> anonymousRoles;
    /** The principal of each token entry, built once: a token's requests are the common case. */
    private final Map<TokensFile.Entry, Principal> tokenPrincipals = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Set<String>> certificates = new HashMap<>();
    private final Map<Integer, Set<String>> socketUsers = new HashMap<>();
    private final Map<Integer, Set<String>> socketGroups = new HashMap<>();
    private Set<String> socketDefault;

    @PostConstruct
    void init() {
        HostqueryConfig.Security security = config.security();
        roles = new Roles(security.roles(), security.readerPaths());
        anonymousRoles = roleSet("hostquery.security.anonymous-roles", security.anonymousRoles()).orElse(null);
        security.tokensFile().ifPresent(file -> tokens = new TokensFile(Path.of(file), roles::known));
        security.clientCertificates().forEach((match, r) -> certificates.put(normalizeMatch(match),
                roleSet("hostquery.security.client-certificates", r).orElse(Set.of())));
        security.unixSocket().users().forEach((uid, r) -> socketUsers.put(id("users", uid),
                roleSet("hostquery.security.unix-socket.users", r).orElse(Set.of())));
        socketUsers.putIfAbsent(0, Set.of(Roles.ADMIN));
        security.unixSocket().groups().forEach((gid, r) -> socketGroups.put(id("groups", gid),
                roleSet("hostquery.security.unix-socket.groups", r).orElse(Set.of())));
        socketDefault = roleSet("hostquery.security.unix-socket.default-roles", security.unixSocket().defaultRoles())
                .orElse(Set.of());
        if (security.kubernetes().enabled()) {
            reviewThreads = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("hostquery-token-review-", 0)
                    .daemon(true).factory());
            List<String> names = new ArrayList<>(List.of(Roles.READER, Roles.SENSITIVE, Roles.EVENTS, Roles.ADMIN));
            names.addAll(security.roles().keySet());
            kubernetes = new KubernetesReviews(security.kubernetes(), roles, names, mapper, reviewThreads);
        }
    }

    @jakarta.annotation.PreDestroy
    void close() {
        if (reviewThreads != null) {
            reviewThreads.shutdownNow();
        }
    }

    public Roles roles() {
        return roles;
    }

    /** Whether any credential besides loopback anonymity and peer credentials can be checked: tokens or certificates. */
    public boolean authenticatesRemoteClients() {
        return tokens != null || kubernetes != null || !certificates.isEmpty();
    }

    /**
     * The request's principal; completes exceptionally with {@link Refusal}. Completed at once unless a Kubernetes
     * token must be reviewed.
     */
    public CompletableFuture<Principal> authenticate(HttpServerRequest request) {
        try {
            String authorization = request.getHeader("Authorization");
            if (authorization != null) {
                return bearer(authorization);
            }
            HttpConnection connection = request.connection();
            if (connection.isSsl()) {
                Principal principal = certificate(connection.sslSession());
                if (principal != null) {
                    return CompletableFuture.completedFuture(principal);
                }
            }
            SocketAddress remote = connection.remoteAddress();
            if (remote != null && remote.isDomainSocket()) {
                return CompletableFuture.completedFuture(peer(connection));
            }
            if (anonymousRoles != null && isLoopback(remote)) {
                // one principal per address, so that the engine shares its connections between loopback clients
                // (127.0.0.1, 127.0.0.2, …) as it does between authenticated ones
                return CompletableFuture.completedFuture(roles.principal("anonymous@" + remote.hostAddress(),
                        Principal.Method.ANONYMOUS, anonymousRoles));
            }
            throw new Refusal(ErrorCode.UNAUTHENTICATED, "no credentials: send 'Authorization: Bearer <token>', present a client "
                    + "certificate, or connect through the Unix socket");
        } catch (Refusal r) {
            return CompletableFuture.failedFuture(r);
        }
    }

    private CompletableFuture<Principal> bearer(String authorization) {
        int space = authorization.indexOf(' ');
        if (space < 0 || !authorization.substring(0, space).equalsIgnoreCase("Bearer")) {
            throw new Refusal(ErrorCode.UNAUTHENTICATED, "the Authorization header is not 'Bearer <token>'");
        }
        String token = authorization.substring(space + 1).strip();
        if (token.isEmpty() || token.length() > 8192) {
            throw new Refusal(ErrorCode.UNAUTHENTICATED, "the bearer token is empty or longer than 8192 characters");
        }
        if (tokens != null) {
            Optional<TokensFile.Entry> entry = tokens.find(token);
            if (entry.isPresent()) {
                if (tokenPrincipals.size() > 10_000) {
                    tokenPrincipals.clear(); // entries of tokens since revoked, after many reloads
                }
                return CompletableFuture.completedFuture(tokenPrincipals.computeIfAbsent(entry.get(),
                        e -> roles.principal("token:" + e.name(), Principal.Method.TOKEN, e.roles())));
            }
        }
        if (kubernetes != null && KubernetesReviews.looksLikeJwt(token)) {
            return kubernetes.review(token).handle((principal, failure) -> {
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    if (cause instanceof KubernetesReviews.Unavailable u && u.busy()) {
                        LOG.debugf("a Kubernetes token review was refused: %s", cause.getMessage());
                    } else {
                        LOG.warnf("a Kubernetes token review failed: %s", cause.getMessage());
                    }
                    throw new Refusal(ErrorCode.BUSY, "the token could not be reviewed: the Kubernetes API server did not "
                            + "answer; try again later");
                }
                return principal.orElseThrow(() -> new Refusal(ErrorCode.UNAUTHENTICATED,
                        "the Kubernetes API server did not authenticate the bearer token (TokenReview)"));
            });
        }
        throw new Refusal(ErrorCode.UNAUTHENTICATED, "the bearer token is not known"
                + (tokens == null && kubernetes == null ? " (no tokens are configured: hostquery.security.tokens-file)" : ""));
    }

    /** The mapped principal of a verified client certificate; null when the client sent none. */
    private Principal certificate(SSLSession session) {
        Certificate[] chain;
        try {
            chain = session == null ? null : session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
            return null;
        }
        String subject = cert.getSubjectX500Principal().getName(X500Principal.RFC2253);
        List<String> names = new ArrayList<>();
        names.add(subject);
        try {
            Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> san : alternatives) {
                    String prefix = switch ((Integer) san.get(0)) {
                        case 1 -> "EMAIL:";
                        case 2 -> "DNS:";
                        case 6 -> "URI:";
                        case 7 -> "IP:";
                        default -> null;
                    };
                    if (prefix != null) {
                        names.add(prefix + san.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            LOG.debugf("a client certificate's subject alternative names cannot be read: %s", e.getMessage());
        }
        for (String name : names) {
            Set<String> mapped = certificates.get(normalizeMatch(name));
            if (mapped != null) {
                return roles.principal("cert:" + name, Principal.Method.CERTIFICATE, mapped);
            }
        }
        return roles.principal("cert:" + subject, Principal.Method.CERTIFICATE, Set.of());
    }

    /** The Unix socket under a connection, or null when it is not one (or not Netty's epoll channel). */
    private static EpollDomainSocketChannel domainSocket(HttpConnection connection) {
        Channel channel = connection instanceof ConnectionBase base ? base.channel() : null;
        return channel instanceof EpollDomainSocketChannel socket ? socket : null;
    }

    private Principal peer(HttpConnection connection) {
        EpollDomainSocketChannel socket = domainSocket(connection);
        if (socket == null) {
            throw new Refusal(ErrorCode.UNAUTHENTICATED, "the Unix socket's peer credentials are unavailable");
        }
        PeerCredentials credentials;
        try {
            credentials = socket.peerCredentials();
        } catch (java.io.IOException e) {
            throw new Refusal(ErrorCode.UNAUTHENTICATED, "the Unix socket's peer credentials cannot be read: " + e.getMessage());
        }
        int uid = credentials.uid();
        int[] gids = credentials.gids();
        Set<String> granted = socketUsers.get(uid);
        if (granted == null && gids.length > 0) {
            granted = socketGroups.get(gids[0]);
        }
        return roles.principal("uid:" + uid, Principal.Method.PEER_CREDENTIALS, granted == null ? socketDefault : granted);
    }

    /** The remote address of a Unix-socket client for logs: {@code unix:pid=<pid>}, else the IP. */
    public static String remote(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        SocketAddress remote = connection.remoteAddress();
        if (remote != null && remote.isDomainSocket()) {
            EpollDomainSocketChannel socket = domainSocket(connection);
            try {
                return socket == null ? "unix" : "unix:pid=" + socket.peerCredentials().pid();
            } catch (java.io.IOException e) {
                return "unix";
            }
        }
        return remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    }

    static boolean isLoopback(SocketAddress address) {
        if (address == null || address.hostAddress() == null) {
            return false;
        }
        try {
            return InetAddress.ofLiteral(address.hostAddress()).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private Optional<Set<String>> roleSet(String setting, List<String> names) {
        Set<String> result = new LinkedHashSet<>();
        for (String raw : names) {
            String name = raw.strip();
            if (name.equals("none") || name.isEmpty()) {
                continue;
            }
            if (!roles.known(name)) {
                throw new IllegalArgumentException(setting + ": unknown role '" + name
                        + "' (built in: reader, sensitive, events, admin; or one of hostquery.security.roles.*)");
            }
            result.add(name);
        }
        return names.stream().anyMatch(n -> n.strip().equals("none")) && result.isEmpty() ? Optional.empty()
                : Optional.of(Set.copyOf(result));
    }

    private static int id(String what, String key) {
        if (key.equals("root")) {
            return 0;
        }
        try {
            return Integer.parseInt(key.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("hostquery.security.unix-socket." + what + ": '" + key
                    + "' is not a number (give the numeric uid or gid)");
        }
    }

    private static String normalizeMatch(String match) {
        int colon = match.indexOf(':');
        if (colon > 0 && colon < 6 && !match.substring(0, colon).contains("=")) {
            return match.substring(0, colon).toUpperCase(Locale.ROOT) + match.substring(colon);
        }
        try {
            return new X500Principal(match).getName(X500Principal.RFC2253);
        } catch (IllegalArgumentException e) {
            return match;
        }
    }

}
