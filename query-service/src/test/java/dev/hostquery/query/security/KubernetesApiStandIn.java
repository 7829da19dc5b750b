package dev.hostquery.query.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A local HTTPS server that answers the two Kubernetes API endpoints hostquery uses, as the API server documents
 * them: {@code POST /apis/authentication.k8s.io/v1/tokenreviews} and
 * {@code POST /apis/authorization.k8s.io/v1/subjectaccessreviews} (201 with the review and its status). The tests
 * have no cluster; this serves the same JSON, checks that hostquery authenticates with its own token, and counts
 * reviews ({@code GET /count}) so a test can see the cache work.
 */
final class KubernetesApiStandIn {
    static final String SERVICE_TOKEN = "the-service-account-token-of-hostquery";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpsServer server;
    private final AtomicInteger tokenReviews = new AtomicInteger();

    /**
     * @param users  token to username
     * @param grants username to the roles (subresources) SubjectAccessReviews allow
     * @param node   the resource name reviews must ask about
     */
    KubernetesApiStandIn(TestCertificates.Issued serverCert, Map<String, String> users, Map<String, Set<String>> grants, String node)
            throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", serverCert.keys().getPrivate(), "x".toCharArray(),
                new java.security.cert.Certificate[] {serverCert.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "x".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/count", exchange -> respond(exchange, 200, JSON.createObjectNode().put("token_reviews", tokenReviews.get())));
        server.createContext("/apis/authentication.k8s.io/v1/tokenreviews", exchange -> {
            if (!authorized(exchange)) {
                return;
            }
            tokenReviews.incrementAndGet();
            ObjectNode review = (ObjectNode) JSON.readTree(exchange.getRequestBody());
            String user = users.get(review.path("spec").path("token").asText());
            ObjectNode status = review.putObject("status").put("authenticated", user != null);
            if (user != null) {
                status.putObject("user").put("username", user).put("uid", "uid-" + user).putArray("groups")
                        .add("system:serviceaccounts").add("system:authenticated");
            }
            respond(exchange, 201, review);
        });
        server.createContext("/apis/authorization.k8s.io/v1/subjectaccessreviews", exchange -> {
            if (!authorized(exchange)) {
                return;
            }
            ObjectNode review = (ObjectNode) JSON.readTree(exchange.getRequestBody());
            JsonNode spec = review.path("spec");
            JsonNode resource = spec.path("resourceAttributes");
            boolean allowed = resource.path("group").asText().equals("hostquery.dev") && resource.path("resource").asText().equals("nodes")
                    && resource.path("name").asText().equals(node) && resource.path("verb").asText().equals("get")
                    && grants.getOrDefault(spec.path("user").asText(), Set.of()).contains(resource.path("subresource").asText());
            review.putObject("status").put("allowed", allowed);
            respond(exchange, 201, review);
        });
        server.start();
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    private static boolean authorized(HttpExchange exchange) throws IOException {
        if (!("Bearer " + SERVICE_TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))
                || !"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 401, JSON.createObjectNode().put("kind", "Status").put("code", 401));
            return false;
        }
        return true;
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
