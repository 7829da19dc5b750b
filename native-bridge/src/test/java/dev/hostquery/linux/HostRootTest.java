package dev.hostquery.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HostRoot's owner-checked reads, metadata, walks and descriptor ownership, with and without openat2(2). */
class HostRootTest {
    @TempDir
    Path host;

    @BeforeEach
    void fixture() throws Exception {
        Unprivileged.assumeRoot(); // chown
        write("etc/shadow", "root:$6$fixture:19000:0:99999:7:::\n", 0);
        write("home/alice/.bash_history", "make test\n", 1000);
        write("home/alice/docs/a.txt", "a\n", 1000);
        write("home/alice/docs/deep/b.txt", "b\n", 1000);
    }

    private Path write(String path, String text, int uid) throws Exception {
        Path file = host.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setAttribute(file, "unix:uid", uid);
        return file;
    }

    private HostRoot root(boolean openat2) {
        return new HostRoot(host, openat2);
    }

    @ParameterizedTest(name = "openat2 {0}")
    @ValueSource(booleans = {true, false})
    void readOwnedByReadsOnlyARegularFileTheUserOwnsNotThroughALink(boolean openat2) throws Exception {
        HostRoot root = root(openat2);
        Path alice = host.resolve("home/alice");
        Files.createSymbolicLink(alice.resolve(".zsh_history"), Path.of(".bash_history"));
        Files.createLink(alice.resolve(".sh_history"), host.resolve("etc/shadow"));
        Fifos.mkfifo(alice.resolve(".history"));
        Files.setAttribute(alice.resolve(".history"), "unix:uid", 1000);

        assertThat(root.readOwnedBy("/home/alice/.bash_history", 1000)).contains("make test\n");
        assertThat(root.readOwnedBy("/home/alice/.bash_history", 1001)).as("another user's file").isEmpty();
        assertThat(root.readOwnedBy("/home/alice/.zsh_history", 1000)).as("a link, even to the user's own file").isEmpty();
        assertThat(root.readOwnedBy("/home/alice/.sh_history", 1000)).as("a hard link to root's file").isEmpty();
        assertThat(root.readOwnedBy("/home/alice/.history", 1000)).as("a FIFO the user owns").isEmpty();
        assertThat(root.readOwnedBy("/home/alice/none", 1000)).isEmpty();
        assertThat(root.read("/home/alice/.zsh_history")).as("read follows links, inside the root").contains("make test\n");
    }

    @Test
    void aFileLargerThanTheReadLimitFailsNamingIt() throws Exception {
        Path big = host.resolve("var/log/wtmp");
        Files.createDirectories(big.getParent());
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(HostRoot.MAX_READ_BYTES + 1);
        }
        assertThatThrownBy(() -> root(true).readBytes("/var/log/wtmp")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/var/log/wtmp").hasMessageContaining("64 MiB");
    }

    @ParameterizedTest(name = "openat2 {0}")
    @ValueSource(booleans = {true, false})
    void statAndLstatDescribeWhatTheJdkDescribes(boolean openat2) throws Exception {
        HostRoot root = root(openat2);
        Path file = host.resolve("home/alice/docs/a.txt");
        Files.createSymbolicLink(host.resolve("home/alice/link"), Path.of("docs/a.txt"));

        FileAttributes jdk = FileAttributes.lstat(file).orElseThrow();
        FileAttributes ours = root.lstat("/home/alice/docs/a.txt").orElseThrow();
        assertThat(ours).usingRecursiveComparison().ignoringFields("btime").isEqualTo(jdk);
        assertThat(ours.uid()).isEqualTo(1000);
        assertThat(root.lstat("/home/alice/link")).hasValueSatisfying(a -> assertThat(a.type()).isEqualTo("symlink"));
        assertThat(root.stat("/home/alice/link")).hasValueSatisfying(a -> assertThat(a.inode()).isEqualTo(jdk.inode()));
        assertThat(root.readLink("/home/alice/link")).contains("docs/a.txt");
        assertThat(root.readLink("/home/alice/docs/a.txt")).as("not a link").isEmpty();
        assertThat(root.realPath("/home/alice/link")).contains("/home/alice/docs/a.txt");
        assertThat(root.statvfs("/home/alice/link")).hasValueSatisfying(v -> assertThat(v.f_bsize.longValue()).isPositive());
        assertThat(root.stat("/home/nobody")).isEmpty();
    }

    @Test
    void magicLinksOfProcAreReadAsLinks() {
        HostRoot system = HostRoot.system();
        assertThat(system.readLink("/proc/self/exe")).hasValueSatisfying(exe -> assertThat(exe).endsWith("/java"));
        assertThat(system.lstat("/proc/self/exe")).hasValueSatisfying(a -> assertThat(a.type()).isEqualTo("symlink"));
        assertThat(system.readLink("/proc/self/ns/net")).hasValueSatisfying(ns -> assertThat(ns).startsWith("net:["));
    }

    @Test
    void aDirectoryThatFailsWhileBeingReadIsWhatWasRead() throws Exception {
        // getdents64 of /proc/1/map_files fails with EACCES without CAP_CHECKPOINT_RESTORE; opening it succeeds
        HostRoot system = HostRoot.system();
        assertThat(system.list("/proc/1/map_files")).isNotNull();
        assertThat(system.list("/proc/1/fd")).isNotEmpty();
    }

    @ParameterizedTest(name = "openat2 {0}")
    @ValueSource(booleans = {true, false})
    void walksWithoutFollowingLinksBelowTheStart(boolean openat2) throws Exception {
        HostRoot root = root(openat2);
        Files.createSymbolicLink(host.resolve("home/alice/docs/loop"), Path.of("."));
        Files.createSymbolicLink(host.resolve("home/alice/docs/etc"), Path.of("/etc"));
        Files.createSymbolicLink(host.resolve("home/alice/documents"), Path.of("docs"));
        List<String> seen = new ArrayList<>();

        assertThat(root.walk("/home/alice/documents", Integer.MAX_VALUE, (path, type) -> seen.add(path + " " + type))).isTrue();

        assertThat(seen).as("the start is followed, nothing below it").containsExactlyInAnyOrder(
                "/home/alice/documents/a.txt regular", "/home/alice/documents/deep directory",
                "/home/alice/documents/deep/b.txt regular", "/home/alice/documents/loop symlink",
                "/home/alice/documents/etc symlink");
        seen.clear();
        root.walk("/home/alice", 1, (path, type) -> seen.add(path));
        assertThat(seen).containsExactlyInAnyOrder("/home/alice/.bash_history", "/home/alice/docs", "/home/alice/documents");
        seen.clear();
        root.walk("/", Integer.MAX_VALUE, (path, type) -> seen.add(path) && !path.equals("/home/alice/docs"));
        assertThat(seen).contains("/etc/shadow", "/home/alice/docs").doesNotContain("/home/alice/docs/a.txt");
        assertThat(root.walk("/home/nobody", 1, (path, type) -> true)).isFalse();
    }

    @Test
    void aWalkSkipsWhatItCannotRead() throws Exception {
        Path locked = Files.createDirectories(host.resolve("home/alice/locked"));
        Files.writeString(locked.resolve("inside"), "x");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(host, PosixFilePermissions.fromString("rwxr-xr-x"));
        HostRoot root = root(true);

        List<String> seen = Unprivileged.call(() -> {
            List<String> paths = new ArrayList<>();
            root.walk("/home", Integer.MAX_VALUE, (path, type) -> paths.add(path));
            return paths;
        });

        assertThat(seen).contains("/home/alice/locked", "/home/alice/docs/deep/b.txt").doesNotContain("/home/alice/locked/inside");
    }

    @Test
    void aVisitorThatThrowsEndsTheWalkAndLeavesNoDescriptorOpen() throws Exception {
        HostRoot root = root(true);
        long before = openDescriptors();
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> root.walk("/home", Integer.MAX_VALUE, (path, type) -> {
                if (path.endsWith("b.txt")) {
                    throw new IllegalStateException("stop");
                }
                return true;
            })).hasMessage("stop");
        }
        assertThat(openDescriptors()).isLessThanOrEqualTo(before + 2);
    }

    @Test
    void theRootDescriptorIsClosedOnceAndCallsAfterCloseFail() throws Exception {
        long before = openDescriptors();
        HostRoot root = new HostRoot(host);
        assertThat(openDescriptors()).isEqualTo(before + 1);
        assertThat(root.read("/etc/shadow")).isPresent();
        root.close();
        root.close();
        assertThat(openDescriptors()).isEqualTo(before);
        assertThatThrownBy(() -> root.read("/etc/shadow")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed").hasMessageContaining(host.toString());
    }

    @Test
    void aRootThatCannotBeOpenedIsRefusedNamingIt() {
        assertThatThrownBy(() -> new HostRoot(host.resolve("missing"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(host.resolve("missing").toString()).hasMessageContaining("No such file");
    }

    @Test
    void openat2IsUsedFromLinux56() {
        String[] version = System.getProperty("os.version").split("[.-]");
        boolean atLeast56 = Integer.parseInt(version[0]) > 5 || Integer.parseInt(version[0]) == 5 && Integer.parseInt(version[1]) >= 6;
        if (atLeast56) {
            assertThat(HostRoot.OPENAT2).as("openat2 probed on Linux " + System.getProperty("os.version")).isTrue();
        }
    }

    @Test
    void entriesSayTheirTypes() throws Exception {
        Files.createSymbolicLink(host.resolve("home/alice/link"), Path.of("docs"));
        Fifos.mkfifo(host.resolve("home/alice/fifo"));
        List<HostRoot.Entry> entries = new ArrayList<>();
        assertThat(root(true).entries("/home/alice", entries::add)).isTrue();
        assertThat(entries).extracting(e -> e.name() + " " + e.type()).containsExactlyInAnyOrder(".bash_history regular",
                "docs directory", "link symlink", "fifo fifo");
    }

    private static long openDescriptors() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(Objects::nonNull).count();
        }
    }
}
