package dev.hostquery.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart, as an operator installs it: {@code helm lint --strict}, then {@code helm template} with each values file
 * of {@code hostquery/ci} (helm-java runs Helm itself, in-process), every rendered object parsed by the Kubernetes API
 * model (fabric8) and refused if it carries a field the API does not know, and what each object must say checked.
 * Values that values.schema.json or the chart refuse must fail the render with a message naming them.
 */
class HelmChartTest {
    static final Path CHART = Path.of("hostquery");
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static final Map<String, Class<?>> KINDS = Map.of(
            "DaemonSet", DaemonSet.class, "Service", Service.class, "ServiceAccount", ServiceAccount.class,
            "ConfigMap", ConfigMap.class, "ClusterRole", ClusterRole.class, "ClusterRoleBinding", ClusterRoleBinding.class,
            "NetworkPolicy", NetworkPolicy.class);
    /** Custom resources the model does not know: their fields, checked by hand. */
    private static final Map<String, List<String>> CUSTOM = Map.of(
            "Certificate", List.of("secretName", "duration", "renewBefore", "privateKey", "usages", "dnsNames", "ipAddresses", "issuerRef"),
            "ServiceMonitor", List.of("selector", "endpoints"));

    static Stream<Path> valuesFiles() throws IOException {
        try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @Test
    void lintsStrictly() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    /** The rendered objects by "Kind/name", each parsed strictly into its model class (or kept as a tree). */
    static Map<String, Object> render(Path values, Map<String, Object> sets) throws IOException {
        var template = new Helm(CHART).template().withName("hq").withNamespace("hostquery");
        if (values != null) {
            template.withValuesFile(values);
        }
        sets.forEach(template::set);
        String yaml = template.call();
        Map<String, Object> objects = new LinkedHashMap<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            for (var it = new YAMLMapper().readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode doc = it.next();
                if (doc == null || doc.isMissingNode() || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                String kind = doc.path("kind").asText();
                String key = kind + "/" + doc.path("metadata").path("name").asText();
                Class<?> type = KINDS.get(kind);
                if (type != null) {
                    Object parsed = JSON.treeToValue(doc, type);
                    List<String> unknown = new ArrayList<>();
                    unknownFields(parsed, key, unknown, new IdentityHashMap<>());
                    assertThat(unknown).as("fields the Kubernetes API does not know in " + key).isEmpty();
                    objects.put(key, parsed);
                } else if (CUSTOM.containsKey(kind)) {
                    assertThat(doc.path("metadata").path("name").asText()).as(key + " has a name").isNotEmpty();
                    doc.path("spec").fieldNames().forEachRemaining(f -> assertThat(CUSTOM.get(kind)).as(key + " spec." + f).contains(f));
                    objects.put(key, doc);
                } else {
                    throw new AssertionError("the chart renders a kind the test does not check: " + key);
                }
            }
        }
        return objects;
    }

    /**
     * fabric8's model keeps fields it does not know in additionalProperties instead of failing: any entry there is a
     * field the API server would reject (or silently drop), e.g. a misspelled probe setting.
     */
    private static void unknownFields(Object o, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, unknown, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            try {
                Object value = getter.invoke(o);
                if (getter.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        unknown.add(path + ": " + extra.keySet());
                    }
                } else {
                    unknownFields(value, path + "." + getter.getName().substring(3), unknown, seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void everyValuesFileRendersObjectsTheApiAccepts(Path values) throws IOException {
        Map<String, Object> objects = render(values, Map.of());
        assertThat(objects).containsKeys("DaemonSet/hq-hostquery", "ConfigMap/hq-hostquery");
        DaemonSet ds = (DaemonSet) objects.get("DaemonSet/hq-hostquery");
        var pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getHostPID()).isTrue();
        assertThat(pod.getHostNetwork()).isTrue();
        Container c = pod.getContainers().getFirst();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).contains("DAC_READ_SEARCH", "SYS_PTRACE")
                .doesNotContain("SYS_ADMIN", "NET_RAW");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(c.getResources().getLimits()).containsKey("memory");
        assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getHostPath() == null ? null : v.getHostPath().getPath())
                .isEqualTo("/var/lib/hostquery"));
        assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        String config = ((ConfigMap) objects.get("ConfigMap/hq-hostquery")).getData().get("application.properties");
        assertThat(config).contains("hostquery.host-root=/host");
    }

    @Test
    void theDefaultsServeTheNodeLocalServiceWithTlsAndKubernetesTokens() throws IOException {
        Map<String, Object> objects = render(CHART.resolve("ci/default-values.yaml"), Map.of());
        DaemonSet ds = (DaemonSet) objects.get("DaemonSet/hq-hostquery");
        var pod = ds.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().getFirst();
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).containsExactly("DAC_READ_SEARCH", "SYS_PTRACE", "NET_ADMIN");
        assertThat(c.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
        assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("HOSTQUERY_SECURITY_KUBERNETES_NODE_NAME");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        });
        assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getSecret() == null ? null : v.getSecret().getSecretName())
                .isEqualTo("hostquery-tls"));
        Service service = (Service) objects.get("Service/hq-hostquery");
        assertThat(service.getSpec().getInternalTrafficPolicy()).isEqualTo("Local");
        assertThat(service.getSpec().getPorts().getFirst().getPort()).isEqualTo(8443);
        ClusterRoleBinding delegator = (ClusterRoleBinding) objects.get("ClusterRoleBinding/hq-hostquery-auth-delegator");
        assertThat(delegator.getRoleRef().getName()).isEqualTo("system:auth-delegator");
        assertThat(delegator.getSubjects().getFirst().getName()).isEqualTo(pod.getServiceAccountName());
        assertThat(objects).containsKey("ServiceAccount/" + pod.getServiceAccountName());
        ClusterRole reader = (ClusterRole) objects.get("ClusterRole/hq-hostquery-reader");
        assertThat(reader.getRules().getFirst().getApiGroups()).containsExactly("hostquery.dev");
        assertThat(reader.getRules().getFirst().getResources()).containsExactly("nodes/reader");
        assertThat(reader.getRules().getFirst().getVerbs()).containsExactly("get");
        String config = ((ConfigMap) objects.get("ConfigMap/hq-hostquery")).getData().get("application.properties");
        assertThat(config).contains("quarkus.http.host=0.0.0.0", "quarkus.http.insecure-requests=disabled",
                "quarkus.http.ssl-port=8443", "hostquery.security.kubernetes.enabled=true",
                "hostquery.security.anonymous-roles=none", "quarkus.http.domain-socket=/var/run/hostquery/hostquery.sock");
        assertThat(objects.keySet()).noneMatch(k -> k.startsWith("NetworkPolicy/") || k.startsWith("ServiceMonitor/")
                || k.startsWith("Certificate/") || k.equals("Service/hq-hostquery-nodes"));
    }

    @Test
    void certManagerAndEveryOptionalObject() throws IOException {
        Map<String, Object> objects = render(CHART.resolve("ci/cert-manager-values.yaml"), Map.of());
        JsonNode certificate = (JsonNode) objects.get("Certificate/hq-hostquery");
        DaemonSet ds = (DaemonSet) objects.get("DaemonSet/hq-hostquery");
        var pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getSecret() == null ? null : v.getSecret().getSecretName())
                .isEqualTo(certificate.path("spec").path("secretName").asText()));
        assertThat(certificate.path("spec").path("dnsNames").toString()).contains("hq-hostquery.hostquery.svc");
        assertThat(pod.getContainers().getFirst().getSecurityContext().getCapabilities().getAdd())
                .containsExactly("DAC_READ_SEARCH", "SYS_PTRACE", "AUDIT_CONTROL", "AUDIT_READ");
        assertThat(objects).containsKeys("Service/hq-hostquery-nodes", "NetworkPolicy/hq-hostquery", "ServiceMonitor/hq-hostquery",
                "ClusterRole/hq-hostquery-ops");
        assertThat(((Service) objects.get("Service/hq-hostquery-nodes")).getSpec().getClusterIP()).isEqualTo("None");
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getStrVal()).isEqualTo("10%");
        String config = ((ConfigMap) objects.get("ConfigMap/hq-hostquery")).getData().get("application.properties");
        assertThat(config).contains("hostquery.security.tokens-file=/etc/hostquery/tokens/tokens",
                "hostquery.security.client-certificates.\"CN\\=fleet-manager,O\\=acme\"=reader,events",
                "quarkus.tls.trust-store.pem.certs=/etc/hostquery/tls/ca.crt",
                "hostquery.security.roles.ops.tables=processes,listening_ports", "hostquery.security.roles.ops.events=true",
                "hostquery.events.file.paths.etc=/etc/%%");
    }

    @Test
    void loopbackOnlyNeedsNoTlsAndRendersNoService() throws IOException {
        Map<String, Object> objects = render(CHART.resolve("ci/loopback-values.yaml"), Map.of());
        assertThat(objects.keySet()).noneMatch(k -> k.startsWith("Service/"));
        Container c = ((DaemonSet) objects.get("DaemonSet/hq-hostquery")).getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(c.getReadinessProbe().getHttpGet().getHost()).isEqualTo("127.0.0.1");
        assertThat(c.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTP");
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).containsExactly("DAC_READ_SEARCH", "SYS_PTRACE");
        String config = ((ConfigMap) objects.get("ConfigMap/hq-hostquery")).getData().get("application.properties");
        assertThat(config).contains("quarkus.http.host=127.0.0.1", "quarkus.http.port=8080",
                "hostquery.security.unix-socket.users.\"1000\"=reader,events").doesNotContain("ssl");
    }

    @Test
    void certificateSubjectsAreEscapedAsPropertiesKeysAndIpv6LoopbackNeedsNoTls() throws IOException {
        Map<String, Object> objects = render(CHART.resolve("ci/loopback-values.yaml"), Map.of("listenAddress", "::1",
                "tls.enabled", "false"));
        Container c = ((DaemonSet) objects.get("DaemonSet/hq-hostquery")).getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(c.getLivenessProbe().getHttpGet().getHost()).isEqualTo("::1");
        Path values = Files.createTempFile("hostquery-values", ".yaml");
        try {
            Files.writeString(values, "tls:\n  secretName: t\nauth:\n  clientCertificates:\n    \"CN=Fleet Manager #1,O=Acme!\": reader\n");
            String config = ((ConfigMap) render(values, Map.of()).get("ConfigMap/hq-hostquery")).getData().get("application.properties");
            assertThat(config).contains("hostquery.security.client-certificates.\"CN\\=Fleet\\ Manager\\ \\#1,O\\=Acme\\!\"=reader");
            java.util.Properties parsed = new java.util.Properties();
            parsed.load(new java.io.StringReader(config));
            assertThat(parsed).containsEntry("hostquery.security.client-certificates.\"CN=Fleet Manager #1,O=Acme!\"", "reader");
        } finally {
            Files.delete(values);
        }
    }

    @Test
    void badValuesFailTheInstallWithAMessageNamingThem() {
        Path defaults = CHART.resolve("ci/default-values.yaml");
        assertThatThrownBy(() -> render(defaults, Map.of("updateStrategy.rollingUpdate.maxUnavailable", "lots")))
                .hasMessageContaining("maxUnavailable");
        assertThatThrownBy(() -> render(defaults, Map.of("tsl.enabled", "true"))).hasMessageContaining("tsl");
        assertThatThrownBy(() -> render(defaults, Map.of("events.processBackend", "ebpf"))).hasMessageContaining("processBackend");
        assertThatThrownBy(() -> render(defaults, Map.of("port", "80000"))).hasMessageContaining("port");
        assertThatThrownBy(() -> render(defaults, Map.of("auth.anonymousRoles", "root!"))).hasMessageContaining("anonymousRoles");
        assertThatThrownBy(() -> render(null, Map.of())).hasMessageContaining("tls.enabled needs a certificate");
        assertThatThrownBy(() -> render(defaults, Map.of("tls.enabled", "false")))
                .hasMessageContaining("listenAddress 0.0.0.0 is not loopback: set tls.enabled=true");
        assertThatThrownBy(() -> render(defaults, Map.of("auth.kubernetes.enabled", "false")))
                .hasMessageContaining("enable auth.kubernetes, or set auth.tokensSecret");
        assertThatThrownBy(() -> render(defaults, Map.of("tls.clientAuth", "required"))).hasMessageContaining("kubelet's probes");
        assertThatThrownBy(() -> render(CHART.resolve("ci/cert-manager-values.yaml"), Map.of("tls.certManager.duration", "90d")))
                .hasMessageContaining("duration");
    }
}
