package dev.hostquery.query.security;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The production posture, with every way in configured: no anonymous access, a tokens file, client certificates
 * over TLS (certificate files looked at twice a second), the Unix socket (group nogroup, so that nobody can connect; no
 * default roles), Kubernetes reviews against {@link KubernetesApiStandIn}, and the audit log to a file. What the
 * tests need to know lives in {@link #DIR}: certificates as PEM files, the stand-in's URL.
 */
public class SecurityProfile implements QuarkusTestProfile {
    static final Path DIR = Path.of("/tmp/hostquery-security-test");
    static final String READER = "reader-token-6f1d2b0a9c8e7d6f5a4b3c2d1e0f9a8b";
    static final String AUDITOR = "auditor-token-0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    static final String SUBSCRIBER = "subscriber-token-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b";
    /** Subscribers of their own, so that tests holding subscriptions do not take each other's slots. */
    static final String GRPC_SUBSCRIBER = "grpc-subscriber-token-2b3c4d5e6f708192a3b4c5d6e7f8091a";
    static final String CANCELLER = "canceller-token-8f7e6d5c4b3a29180f1e2d3c4b5a69788";
    static final String LIMITED = "limited-token-1122334455667788990011223344556677";
    static final String K8S_READER = "eyJhbGciOiJSUzI1NiJ9.agent-reader.c2lnbmF0dXJl";
    static final String K8S_NO_ROLES = "eyJhbGciOiJSUzI1NiJ9.agent-none.c2lnbmF0dXJl";
    static final String K8S_UNKNOWN = "eyJhbGciOiJSUzI1NiJ9.agent-unknown.c2lnbmF0dXJl";
    static final String NODE = "node-1";

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            return overrides();
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare the security test's files", e);
        }
    }

    private static synchronized Map<String, String> overrides() throws Exception {
        // once per JVM (the profile may be asked again, from another class loader): system properties are shared
        if (System.getProperty("hostquery-test.k8s-url") == null) {
            if (Files.exists(DIR)) {
                try (var walk = Files.walk(DIR)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(DIR, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            TestCertificates ca = new TestCertificates("hostquery test CA");
            Files.writeString(DIR.resolve("ca.crt"), TestCertificates.pem(ca.ca().certificate()));
            Files.writeString(DIR.resolve("ca.key"), TestCertificates.pem(ca.ca().keys().getPrivate()));
            TestCertificates.Issued server = ca.server();
            installServerCertificate(server);
            Files.writeString(DIR.resolve("sa-token"), KubernetesApiStandIn.SERVICE_TOKEN + "\n");
            Files.writeString(DIR.resolve("tokens"), String.join("\n",
                    "# test tokens: sha256 name roles",
                    TokensFile.sha256(READER) + " ci-reader reader",
                    TokensFile.sha256(AUDITOR) + " auditor reader,sensitive",
                    TokensFile.sha256(SUBSCRIBER) + " subscriber reader,events",
                    TokensFile.sha256(GRPC_SUBSCRIBER) + " grpc-subscriber reader,events",
                    TokensFile.sha256(CANCELLER) + " canceller reader,events",
                    TokensFile.sha256(LIMITED) + " limited limited",
                    "this line is wrong and is skipped") + "\n");
            KubernetesApiStandIn api = new KubernetesApiStandIn(server, Map.of(K8S_READER, "system:serviceaccount:ops:agent",
                    K8S_NO_ROLES, "system:serviceaccount:ops:nobody"), Map.of("system:serviceaccount:ops:agent", Set.of("reader")), NODE);
            System.setProperty("hostquery-test.k8s-url", api.url());
            // a reader path with a link out of it, as /usr/lib/ssl/private is on Debian
            Files.createDirectories(DIR.resolve("public"));
            Files.writeString(DIR.resolve("public/readme"), "public\n");
            Files.createSymbolicLink(DIR.resolve("public/etc-link"), Path.of("/etc"));
        }
        Map<String, String> c = new HashMap<>();
        c.put("hostquery.security.anonymous-roles", "none");
        c.put("hostquery.views.process_names", "SELECT pid, name FROM processes");
        c.put("hostquery.views.account_states", "SELECT username, password_status FROM shadow");
        c.put("hostquery.security.reader-paths", "/usr,/bin,/sbin,/lib,/lib64,/etc/os-release," + DIR.resolve("public"));
        c.put("hostquery.security.tokens-file", DIR.resolve("tokens").toString());
        c.put("hostquery.security.roles.limited.tables", "processes");
        c.put("hostquery.security.roles.limited.events", "true");
        c.put("hostquery.security.client-certificates.\"CN=ci-client\"", "reader");
        c.put("hostquery.security.unix-socket.group", "nogroup");
        c.put("hostquery.security.unix-socket.default-roles", "none");
        c.put("hostquery.security.max-subscriptions-per-principal", "2");
        c.put("hostquery.security.kubernetes.enabled", "true");
        c.put("hostquery.security.kubernetes.api-server", System.getProperty("hostquery-test.k8s-url"));
        c.put("hostquery.security.kubernetes.ca-file", DIR.resolve("ca.crt").toString());
        c.put("hostquery.security.kubernetes.token-file", DIR.resolve("sa-token").toString());
        c.put("hostquery.security.kubernetes.node-name", NODE);
        c.put("hostquery.audit.enabled", "true");
        c.put("hostquery.audit.file", DIR.resolve("audit.log").toString());
        c.put("quarkus.http.domain-socket", DIR.resolve("hostquery.sock").toString());
        c.put("quarkus.tls.key-store.pem.0.cert", DIR.resolve("tls/tls.crt").toString());
        c.put("quarkus.tls.key-store.pem.0.key", DIR.resolve("tls/tls.key").toString());
        c.put("quarkus.tls.trust-store.pem.certs", DIR.resolve("ca.crt").toString());
        c.put("hostquery.security.tls-reload-interval", "500ms");
        c.put("quarkus.http.test-ssl-port", "0");
        return c;
    }

    /**
     * Puts a server certificate in place the way Kubernetes updates a mounted Secret: both files in a new directory,
     * then one atomic rename of the {@code tls} symbolic link, so that a reload never sees a new certificate with
     * an old key.
     */
    static void installServerCertificate(TestCertificates.Issued server) throws Exception {
        Path version = Files.createTempDirectory(DIR, "tls-");
        server.write(version.resolve("tls.crt"), version.resolve("tls.key"));
        Path link = DIR.resolve("tls.next");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, version.getFileName());
        Files.move(link, DIR.resolve("tls"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** A client certificate signed by the test CA, valid from {@code from} to {@code to}. */
    static TestCertificates.Issued clientCertificate(String subject, Instant from, Instant to) throws Exception {
        return TestCertificates.reload(DIR).client(subject, from, to);
    }

    static Duration reloadWait() {
        return Duration.ofSeconds(15);
    }
}
