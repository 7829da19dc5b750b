package dev.hostquery.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads through {@link HostRoot} stay inside the root, symbolic links included, and never block. The fixture is a
 * host tree under {@code dir/host} and a secret outside it, under {@code dir/outside}.
 */
class HostRootConfinementTest {
    @TempDir
    Path dir;
    Path host;
    Path secret;
    HostRoot root;

    /** The HostRoot under test; {@link HostRootFallbackTest} makes one that resolves without openat2. */
    HostRoot open(Path root) {
        return new HostRoot(root);
    }

    @BeforeEach
    void fixture() throws Exception {
        host = Files.createDirectories(dir.resolve("host"));
        secret = Files.writeString(Files.createDirectories(dir.resolve("outside")).resolve("secret"), "outside the root\n");
        Files.createDirectories(host.resolve("etc"));
        Files.writeString(host.resolve("etc/shadow"), "root:$6$fixture:19000:0:99999:7:::\n");
        Files.createDirectories(host.resolve("home/alice"));
        root = open(host);
    }

    @Test
    void anAbsoluteLinkIsResolvedFromTheRoot() throws Exception {
        Files.createSymbolicLink(host.resolve("home/alice/.bash_history"), Path.of("/etc/shadow"));
        Files.createSymbolicLink(host.resolve("home/alice/secret"), secret);

        assertThat(root.read("/home/alice/.bash_history")).as("the host's /etc/shadow, not this machine's")
                .contains("root:$6$fixture:19000:0:99999:7:::\n");
        assertThat(root.read("/home/alice/secret")).as("the link's target does not exist inside the root").isEmpty();
    }

    @Test
    void dotDotStopsAtTheRoot() throws Exception {
        // from host/home/alice, three levels up is dir, where the secret is: inside the root, it is the root
        Files.createSymbolicLink(host.resolve("home/alice/up"), Path.of("../../../outside/secret"));
        Files.createSymbolicLink(host.resolve("home/alice/top"), Path.of("../".repeat(host.getNameCount() + 3)));

        assertThat(root.read("/home/alice/up")).isEmpty();
        assertThat(root.read("/home/alice/top/etc/shadow")).as("'..' at the root is the root")
                .contains("root:$6$fixture:19000:0:99999:7:::\n");
        assertThat(root.read("/../outside/secret")).isEmpty();
        assertThat(root.lines("/home/alice/top/../../etc/shadow")).containsExactly("root:$6$fixture:19000:0:99999:7:::");
    }

    @Test
    void aLinkedDirectoryIsResolvedInsideTheRoot() throws Exception {
        Files.createSymbolicLink(host.resolve("home/alice/etc"), Path.of("/etc"));
        Files.createSymbolicLink(host.resolve("home/alice/outside"), secret.getParent());

        assertThat(root.read("/home/alice/etc/shadow")).isPresent();
        assertThat(root.read("/home/alice/outside/secret")).isEmpty();
        assertThat(root.list("/home/alice/outside")).isEmpty();
        assertThat(root.list("/home/alice/etc")).containsExactly("shadow");
    }

    @Test
    void aFifoIsNotReadAndDoesNotBlock() throws Exception {
        Path fifo = host.resolve("home/alice/.zsh_history");
        Fifos.mkfifo(fifo);
        CompletableFuture<Optional<String>> read = CompletableFuture.supplyAsync(() -> root.read("/home/alice/.zsh_history"),
                runnable -> Thread.ofPlatform().daemon().start(runnable));
        try {
            assertThat(read.get(10, TimeUnit.SECONDS)).as("a FIFO is not a regular file").isEmpty();
        } finally {
            if (!read.isDone()) {
                Fifos.unblock(fifo);
            }
        }
    }

    @Test
    void aPathWithANulCharacterNamesNoFile() {
        assertThat(root.read("/etc/shadow\0.txt")).isEmpty();
        assertThat(root.list("/etc\0")).isEmpty();
    }

    @Test
    void procfsFilesAreRegularFilesAndRead() {
        HostRoot system = open(Path.of("/"));
        assertThat(system.read("/proc/self/stat")).hasValueSatisfying(s -> assertThat(s).contains(") "));
        assertThat(system.value("/proc/sys/kernel/ostype")).contains("Linux");
        assertThat(system.list("/proc")).contains("self", "1");
    }
}
