package dev.hostquery.query.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.hostquery.query.config.HostqueryConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Kubernetes service-account tokens, checked the way kubelet's webhook mode and kube-rbac-proxy check them: a
 * TokenReview ({@code POST /apis/authentication.k8s.io/v1/tokenreviews}) says whose token it is, then one
 * SubjectAccessReview per role ({@code POST /apis/authorization.k8s.io/v1/subjectaccessreviews}) asks whether that
 * user may {@code get} the resource {@code <resource>/<role>} named after this node in the configured API group;
 * the principal gets the roles the API server allows. Both calls are sent with the service's own token, so its
 * service account needs {@code system:auth-delegator}. Decisions (also "not authenticated") are kept for
 * {@code cache-ttl}; an API server that cannot be reached is not cached and gets the client a 503.
 *
 * <p>Plain JDK HTTP against the API server's documented endpoints: two POSTs do not need a client library.
 */
public final class KubernetesReviews {
    /** The API server could not give a decision: unreachable, slow, or an answer that is not a review. */
    public static final class Unavailable extends RuntimeException {
        private final boolean busy;

        Unavailable(String message, Throwable cause) {
            this(message, cause, false);
        }

        Unavailable(String message, Throwable cause, boolean busy) {
            super(message, cause);
            this.busy = busy;
        }

        /** True when the review was not even sent: too many were in flight (not worth a warning each). */
        public boolean busy() {
            return busy;
        }
    }

    private final URI apiServer;
    private final Path tokenFile;
    private final List<String> audiences;
    private final HostqueryConfig.Kubernetes config;
    private final Roles roles;
    private final List<String> roleNames;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Duration timeout;
    private final AsyncCache<String, Optional<Principal>> decisions;
    /**
     * Reviews in flight: any client can send tokens nobody issued, each worth a TokenReview, so at most this many
     * wait for the API server at once; past it a new token gets 503 at once instead of queuing.
     */
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
    static final int MAX_IN_FLIGHT = 16;

    /**
     * @param roleNames the roles asked about in SubjectAccessReviews, built-in and configured
     * @throws IllegalStateException when the API server's address or CA cannot be found
     */
    public KubernetesReviews(HostqueryConfig.Kubernetes config, Roles roles, List<String> roleNames, ObjectMapper mapper,
            Executor executor) {
        this.config = config;
        this.roles = roles;
        this.roleNames = List.copyOf(roleNames);
        this.mapper = mapper;
        this.timeout = config.timeout();
        this.tokenFile = Path.of(config.tokenFile());
        this.audiences = config.audiences().orElse(List.of());
        this.apiServer = URI.create(config.apiServer().orElseGet(() -> {
            String host = System.getenv("KUBERNETES_SERVICE_HOST");
            String port = System.getenv().getOrDefault("KUBERNETES_SERVICE_PORT", "443");
            if (host == null) {
                throw new IllegalStateException("hostquery.security.kubernetes.enabled=true, but no API server: set "
                        + "hostquery.security.kubernetes.api-server (outside a pod KUBERNETES_SERVICE_HOST is not set)");
            }
            return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }).replaceAll("/+$", ""));
        this.http = HttpClient.newBuilder().sslContext(sslContext(Path.of(config.caFile()))).connectTimeout(timeout)
                .executor(executor).build();
        this.decisions = Caffeine.newBuilder().expireAfterWrite(config.cacheTtl()).maximumSize(10_000).executor(executor)
                .buildAsync();
    }

    /**
     * The principal of a service-account token, or empty when the API server does not authenticate it; completes
     * exceptionally with {@link Unavailable} when no decision could be had.
     */
    public CompletableFuture<Optional<Principal>> review(String token) {
        if (!looksLikeJwt(token)) {
            return CompletableFuture.completedFuture(Optional.empty()); // not a service-account token: no review spent
        }
        return decisions.get(TokensFile.sha256(token), (key, executor) -> {
            if (!inFlight.tryAcquire()) {
                return CompletableFuture.failedFuture(new Unavailable(MAX_IN_FLIGHT + " token reviews are in flight already", null, true));
            }
            CompletableFuture<Optional<Principal>> review;
            try {
                review = tokenReview(token).thenCompose(user -> user.map(this::authorize)
                        .orElseGet(() -> CompletableFuture.completedFuture(Optional.empty())));
            } catch (RuntimeException e) {
                inFlight.release();
                throw e;
            }
            return review.whenComplete((result, failure) -> inFlight.release());
        });
    }

    /**
     * Whether a token has the shape of a JSON Web Token, as service-account tokens do: three base64url parts, the
     * first a JSON header with an {@code alg}. Anything else is not worth asking the API server about.
     */
    static boolean looksLikeJwt(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            return false;
        }
        try {
            String header = new String(java.util.Base64.getUrlDecoder().decode(parts[0]), java.nio.charset.StandardCharsets.UTF_8);
            return header.startsWith("{") && header.contains("\"alg\"");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private record User(String name, String uid, List<String> groups, JsonNode extra) {
    }

    private CompletableFuture<Optional<User>> tokenReview(String token) {
        ObjectNode body = mapper.createObjectNode().put("apiVersion", "authentication.k8s.io/v1").put("kind", "TokenReview");
        ObjectNode spec = body.putObject("spec").put("token", token);
        if (!audiences.isEmpty()) {
            audiences.forEach(spec.putArray("audiences")::add);
        }
        return post("/apis/authentication.k8s.io/v1/tokenreviews", body).thenApply(review -> {
            JsonNode status = review.path("status");
            if (!status.path("authenticated").asBoolean(false)) {
                return Optional.empty();
            }
            JsonNode user = status.path("user");
            List<String> groups = new ArrayList<>();
            user.path("groups").forEach(g -> groups.add(g.asText()));
            String name = user.path("username").asText("");
            if (name.isEmpty()) {
                throw new Unavailable("the API server authenticated a token without a username", null);
            }
            return Optional.of(new User(name, user.path("uid").asText(""), groups, user.path("extra")));
        });
    }

    private CompletableFuture<Optional<Principal>> authorize(User user) {
        List<CompletableFuture<Boolean>> checks = new ArrayList<>();
        for (String role : roleNames) {
            ObjectNode body = mapper.createObjectNode().put("apiVersion", "authorization.k8s.io/v1")
                    .put("kind", "SubjectAccessReview");
            ObjectNode spec = body.putObject("spec").put("user", user.name());
            if (!user.uid().isEmpty()) {
                spec.put("uid", user.uid());
            }
            user.groups().forEach(spec.putArray("groups")::add);
            if (user.extra().isObject()) {
                spec.set("extra", user.extra());
            }
            ObjectNode resource = spec.putObject("resourceAttributes").put("verb", "get").put("group", config.apiGroup())
                    .put("resource", config.resource()).put("subresource", role);
            config.nodeName().ifPresent(node -> resource.put("name", node));
            checks.add(post("/apis/authorization.k8s.io/v1/subjectaccessreviews", body)
                    .thenApply(review -> review.path("status").path("allowed").asBoolean(false)));
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Set<String> granted = new LinkedHashSet<>();
            for (int i = 0; i < roleNames.size(); i++) {
                if (checks.get(i).join()) {
                    granted.add(roleNames.get(i));
                }
            }
            return Optional.of(roles.principal("k8s:" + user.name(), Principal.Method.KUBERNETES, granted));
        });
    }

    private CompletableFuture<JsonNode> post(String path, ObjectNode body) {
        String own;
        try {
            own = Files.readString(tokenFile).strip();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new Unavailable("the service's own token " + tokenFile
                    + " cannot be read: " + e.getMessage(), e));
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(apiServer.resolve(path)).timeout(timeout)
                    .header("Authorization", "Bearer " + own).header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body))).build();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new Unavailable("cannot write a review: " + e.getMessage(), e));
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((response, failure) -> {
            if (failure != null) {
                throw new Unavailable("the Kubernetes API server " + apiServer + " did not answer a review: " + failure, failure);
            }
            if (response.statusCode() != 201 && response.statusCode() != 200) {
                throw new Unavailable("the Kubernetes API server answered a review with HTTP " + response.statusCode()
                        + " (does the service account have system:auth-delegator?)", null);
            }
            try {
                return mapper.readTree(response.body());
            } catch (IOException e) {
                throw new Unavailable("the Kubernetes API server's review answer is not JSON", e);
            }
        });
    }

    private static SSLContext sslContext(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IllegalStateException("hostquery.security.kubernetes.ca-file " + caFile + " holds no certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("hostquery.security.kubernetes.ca-file " + caFile + " cannot be read: " + e, e);
        }
    }
}
