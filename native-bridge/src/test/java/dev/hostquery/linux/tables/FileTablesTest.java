package dev.hostquery.linux.tables;

import static dev.hostquery.linux.tables.FixtureRootTest.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hostquery.api.Constraint;
import dev.hostquery.api.InvalidConstraintException;
import dev.hostquery.api.Operator;
import dev.hostquery.api.QueryCancelledException;
import dev.hostquery.api.QueryContext;
import dev.hostquery.linux.Fifos;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Unprivileged;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file, hash and suid_bin tables on hostile or unreadable trees: patterns match in linear time, walks skip
 * what they cannot read instead of ending short, hashing ends with its query, bad paths are constraint errors.
 */
class FileTablesTest {
    @TempDir
    Path dir;

    @Test
    void aLikePatternMatchesInLinearTime() throws Exception {
        Path names = Files.createDirectories(dir.resolve("names"));
        Files.createFile(names.resolve("a".repeat(80)));
        Files.createFile(names.resolve("b".repeat(40) + "!"));
        HostRoot root = new HostRoot(dir);
        // 19 "%_" in a row: a backtracking matcher tries every split of the name among them
        String pattern = "/names/" + "%_".repeat(19) + "!";

        List<Map<String, Object>> rows = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> rows(new FileTable(root), Constraint.of("path", Operator.LIKE, pattern)));

        assertThat(rows).extracting(r -> r.get("filename")).containsExactly("b".repeat(40) + "!");
    }

    @Test
    void aNulCharacterInAPathIsAConstraintError() {
        HostRoot root = new HostRoot(dir);
        for (Constraint c : List.of(Constraint.of("path", Operator.EQ, "/etc/passwd\0.txt"),
                Constraint.of("path", Operator.LIKE, "/etc/%\0"), Constraint.of("directory", Operator.EQ, "/etc\0"))) {
            assertThatThrownBy(() -> rows(new FileTable(root), c)).as(c.toString()).isInstanceOf(InvalidConstraintException.class)
                    .hasMessageEndingWith("must not contain a NUL character");
            assertThatThrownBy(() -> rows(new HashTable(root), c)).isInstanceOf(InvalidConstraintException.class);
        }
    }

    @Test
    void aWalkSkipsUnreadableDirectoriesAndGoesOn() throws Exception {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Path d = Files.createDirectories(dir.resolve("tree/d" + i));
            Files.writeString(d.resolve("f"), "x");
            expected.add("/tree/d" + i);
            if (i % 2 == 1) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("---------"));
            } else {
                expected.add("/tree/d" + i + "/f");
            }
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        HostRoot root = new HostRoot(dir);

        List<Map<String, Object>> rows = Unprivileged.call(() -> rows(new FileTable(root),
                Constraint.of("path", Operator.LIKE, "/tree/%%")));

        assertThat(rows).extracting(r -> r.get("path")).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aPatternOverADirectoryThatFailsMidwayIsNotAnError() throws Exception {
        // /proc/1/map_files opens but getdents64 fails (EACCES without CAP_CHECKPOINT_RESTORE): no fixture tree can
        // fail that way, so this runs on this machine's /proc
        assumeThat(readdirFails(Path.of("/proc/1/map_files"))).as("/proc/1/map_files fails while being read").isTrue();

        List<Map<String, Object>> rows = rows(new FileTable(HostRoot.system()), Constraint.of("path", Operator.LIKE, "/proc/1/%/%"));

        assertThat(rows).extracting(r -> r.get("path")).contains("/proc/1/task/1", "/proc/1/net/dev")
                .noneMatch(p -> p.toString().startsWith("/proc/1/map_files/"));
    }

    @Test
    void hashingStopsWithItsQuery() throws Exception {
        Path sparse = dir.resolve("sparse");
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength(10L << 30);
        }
        HashTable hash = new HashTable(new HostRoot(dir));
        long deadline = System.nanoTime() + Duration.ofMillis(300).toNanos();
        QueryContext context = new QueryContext(hash.spec(), List.of(Constraint.of("path", Operator.EQ, "/sparse")), null,
                () -> System.nanoTime() > deadline);
        long start = System.nanoTime();

        // unchecked, MD5, SHA-1 and SHA-256 of 10 GiB take far longer than a minute here
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(
                () -> hash.generate(context, values -> !context.cancelled())).isInstanceOf(QueryCancelledException.class));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void hashSkipsAFifoWithoutBlocking() throws Exception {
        Fifos.mkfifo(dir.resolve("fifo"));
        Files.writeString(dir.resolve("file"), "hello\n");
        HostRoot root = new HostRoot(dir);
        CompletableFuture<List<Map<String, Object>>> scan = CompletableFuture.supplyAsync(() -> {
            try {
                return rows(new HashTable(root), Constraint.of("directory", Operator.EQ, "/"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> Thread.ofPlatform().daemon().start(runnable));
        try {
            assertThat(scan.get(10, TimeUnit.SECONDS)).extracting(r -> r.get("path") + " " + r.get("md5"))
                    .containsExactly("/file b1946ac92492d2347c6235b4d2611184");
        } finally {
            if (!scan.isDone()) {
                Fifos.unblock(dir.resolve("fifo"));
            }
        }
    }

    @Test
    void suidBinSkipsUnreadableDirectoriesAndGoesOn() throws Exception {
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.writeString(dir.resolve("etc/group"), "root:x:0:\n");
        Path locked = Files.createDirectories(dir.resolve("usr/lib/locked"));
        for (String path : List.of("usr/bin/sudo", "usr/lib/helper/ssh-keysign", "usr/lib/locked/hidden")) {
            Path file = dir.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "#!/bin/sh\n");
            Files.setAttribute(file, "unix:mode", 04755);
        }
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        HostRoot root = new HostRoot(dir);

        List<Map<String, Object>> rows = Unprivileged.call(() -> rows(new SuidBinTable(root)));

        assertThat(rows).extracting(r -> r.get("path") + " " + r.get("username") + " " + r.get("permissions"))
                .containsExactlyInAnyOrder("/usr/bin/sudo root S", "/usr/lib/helper/ssh-keysign root S");
    }

    private static boolean readdirFails(Path directory) {
        try (var entries = Files.newDirectoryStream(directory)) {
            entries.forEach(p -> { });
            return false;
        } catch (DirectoryIteratorException e) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
