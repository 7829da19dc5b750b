package dev.hostquery.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hostquery.bench.ServiceProcess;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the image with bin/image and runs it as the DaemonSet does: the host's PID namespace and network, the host's
 * root file system read-only at /host, a tokens file; then asks it for the host's os_version and processes with a
 * token, and checks it sees this very test's process. Podman with runc (crun fails on these hosts' hybrid cgroups),
 * with the rlimits these machines allow.
 */
class ImageIT {
    private static final String TAG = "localhost/hostquery:it";

    @TempDir
    Path dir;

    private static boolean has(String tool) {
        for (String p : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(Duration timeout, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", List.of(command), out).isZero();
        return out;
    }

    @Test
    void theImageRunsAsTheDaemonSetAndSeesTheHost() throws Exception {
        assumeTrue(has("podman") && has("buildah") && has("runc"), "needs podman, buildah and runc (.ci/run installs them)");
        assumeTrue(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip().equals("0"),
                "needs root: buildah mounts the image's root file system");
        Path repo = Path.of("").toAbsolutePath().getParent();
        String built = run(Duration.ofMinutes(10), repo.resolve("bin/image").toString(), TAG);
        System.out.println("[image] " + built.lines().filter(l -> l.startsWith("built ")).findFirst().orElse(built));
        assertThat(built).containsPattern("built " + java.util.regex.Pattern.quote(TAG) + ": \\d+ MiB");

        String token = ServiceProcess.issueToken(dir.resolve("tokens"), "image-test", "reader");
        dir.toFile().setReadable(true, false);
        int port = ServiceProcess.freePort();
        String name = "hostquery-it-" + ProcessHandle.current().pid();
        List<String> command = new ArrayList<>(List.of("podman", "--runtime", "runc", "run", "-d", "--rm", "--name", name,
                "--pid=host", "--network=host", "-v", "/:/host:ro", "-v", dir + ":/etc/hostquery:ro",
                "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                "-e", "HOSTQUERY_HOST_ROOT=/host", "-e", "QUARKUS_HTTP_PORT=" + port,
                "-e", "HOSTQUERY_SECURITY_TOKENS_FILE=/etc/hostquery/tokens", "-e", "HOSTQUERY_SECURITY_ANONYMOUS_ROLES=none",
                TAG));
        run(Duration.ofMinutes(2), command.toArray(String[]::new));
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int health = 0;
            while (health != 200 && System.nanoTime() < deadline) {
                try {
                    health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (java.io.IOException e) {
                    Thread.sleep(250);
                }
            }
            assertThat(health).as("ready within 60 s").isEqualTo(200);
            assertThat(query(http, port, null, "SELECT 1")).startsWith("401");
            String os = query(http, port, token, "SELECT name, version FROM os_version");
            String hostOs = Files.readString(Path.of("/etc/os-release"));
            String prettyName = hostOs.lines().filter(l -> l.startsWith("NAME=")).findFirst().orElseThrow()
                    .substring(5).replace("\"", "");
            assertThat(os).startsWith("200").contains(prettyName);
            long self = ProcessHandle.current().pid();
            String processes = query(http, port, token, "SELECT pid, name FROM processes WHERE pid = " + self);
            assertThat(processes).as("the container sees this test's JVM among the host's processes").startsWith("200")
                    .contains("\"pid\":" + self);
            // the image's health check passes too
            run(Duration.ofSeconds(30), "podman", "healthcheck", "run", name);
        } finally {
            new ProcessBuilder("podman", "rm", "-f", name).redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
            new ProcessBuilder("podman", "rmi", "-f", TAG).redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static String query(HttpClient http, int port, String token, String sql) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/queries"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"sql\": \"" + sql + "\"}"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }
}
