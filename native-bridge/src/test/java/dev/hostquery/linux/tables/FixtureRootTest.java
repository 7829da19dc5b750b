package dev.hostquery.linux.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hostquery.api.Constraint;
import dev.hostquery.api.InvalidConstraintException;
import dev.hostquery.api.Operator;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.Table;
import dev.hostquery.linux.HostRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables read a fixture tree through the production readers: every path is resolved under the host root. */
class FixtureRootTest {
    @TempDir
    static Path dir;
    static HostRoot root;

    @BeforeAll
    static void writeFixtures() throws Exception {
        write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/zsh\n");
        write("etc/group", "root:x:0:\nalice:x:1000:\nsudo:x:27:alice\n");
        write("etc/hosts", "127.0.0.1 localhost loopback # local\n::1 ip6-localhost\n");
        write("etc/resolv.conf", "nameserver 10.0.0.2\nnameserver 10.0.0.3\nsearch a.example b.example\n");
        write("etc/os-release", "NAME=\"Fixture Linux\"\nVERSION=\"7.1.2 (fixed)\"\nVERSION_ID=\"7.1.2\"\nID=fixture\n");
        write("proc/stat", "cpu  1 2 3 4 5 6 7 8 9 10\ncpu0 1 2 3 4 5 6 7 8 9 10\nbtime 1700000000\n");
        write("proc/uptime", "93784.52 1000.00\n");
        write("proc/42/stat", "42 (fix (ture)) S 1 42 42 0 -1 0 0 0 0 0 300 100 0 0 20 0 2 0 500 0 0\n");
        write("proc/42/status", "Name:\tfixture\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nVmRSS:\t100 kB\n");
        Files.write(dir.resolve("proc/42/cmdline"), "fixture\0--flag\0".getBytes(StandardCharsets.UTF_8));
        write("proc/7/stat", "7 (kworker/0:1) I 2 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 10 0 0\n");
        write("var/lib/dpkg/status", "Package: hello\nStatus: install ok installed\nVersion: 2.10-3\nInstalled-Size: 100\n"
                + "Architecture: amd64\nSource: hello (2.10-3)\n");
        write("home/alice/.ssh/authorized_keys", "ssh-ed25519 AAAAfixture alice@fixture\n");
        write("home/alice/.bash_history", "#1700000001\nmake test\n");
        write("home/alice/notes.txt", "hello\n");
        write("home/alice/docs/deep/file.md", "x\n");
        root = new HostRoot(dir);
    }

    private static void write(String path, String text) throws Exception {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        if (path.startsWith("home/alice/")) {
            // alice's files are alice's: the tables read a home's files only when the user owns them
            Files.setAttribute(file, "unix:uid", 1000);
        }
    }

    static List<Map<String, Object>> rows(Table table, Constraint... constraints) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        table.generate(new QueryContext(table.spec(), List.of(constraints), null), values -> {
            Map<String, Object> row = new HashMap<>();
            for (int i = 0; i < values.length; i++) {
                row.put(table.spec().columns().get(i).name(), values[i]);
            }
            rows.add(row);
            return true;
        });
        return rows;
    }

    @Test
    void processesFromTheFixtureProc() throws Exception {
        List<Map<String, Object>> rows = rows(new ProcessesTable(root));
        assertThat(rows).extracting(r -> r.get("pid")).containsExactly(7L, 42L);
        Map<String, Object> p = rows.get(1);
        assertThat(p).containsEntry("name", "fix (ture)").containsEntry("cmdline", "fixture --flag").containsEntry("uid", 1000L)
                .containsEntry("resident_size", 102_400L).containsEntry("user_time", 3000L).containsEntry("start_time", 1_700_000_005L)
                .containsEntry("parent", 1L).containsEntry("threads", 2L);
        assertThat(p.get("path")).isNull();
        assertThat(rows.get(0).get("resident_size")).as("a kernel thread has no VmRSS: NULL, not 0").isNull();
        assertThat(rows(new ProcessesTable(root), Constraint.of("pid", Operator.EQ, 42L))).hasSize(1);
        assertThat(rows(new ProcessesTable(root), Constraint.of("pid", Operator.EQ, 99L))).isEmpty();
    }

    @Test
    void accountsAndUserData() throws Exception {
        assertThat(rows(new UsersTable(root))).extracting(r -> r.get("username")).containsExactly("root", "alice");
        assertThat(rows(new UsersTable(root), Constraint.of("uid", Operator.EQ, 1000L))).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("directory", "/home/alice").containsEntry("shell", "/bin/zsh"));
        assertThat(rows(new UserGroupsTable(root), Constraint.of("uid", Operator.EQ, 1000L)))
                .extracting(r -> r.get("gid")).containsExactly(1000L, 27L);
        assertThat(rows(new AuthorizedKeysTable(root))).singleElement().satisfies(r -> assertThat(r)
                .containsEntry("uid", 1000L).containsEntry("key_file", "/home/alice/.ssh/authorized_keys")
                .containsEntry("comment", "alice@fixture"));
        assertThat(rows(new ShellHistoryTable(root))).singleElement().satisfies(r -> assertThat(r)
                .containsEntry("time", 1_700_000_001L).containsEntry("command", "make test"));
    }

    @Test
    void readsIntegerSysctlsWhole() throws Exception {
        // proc_dointvec answers a read at offset 1 with end of file: a reader that probes one byte first gets "1"
        String value = HostRoot.system().value("/proc/sys/fs/inotify/max_queued_events").orElseThrow();
        assertThat(Long.parseLong(value)).isEqualTo(Long.parseLong(new java.util.Scanner(
                HostRoot.system().resolve("/proc/sys/fs/inotify/max_queued_events").toFile().toPath(), StandardCharsets.UTF_8).next()))
                .isGreaterThan(9);
    }

    @Test
    void systemFiles() throws Exception {
        assertThat(rows(new EtcHostsTable(root))).extracting(r -> r.get("hostnames"))
                .containsExactly("localhost loopback", "ip6-localhost");
        assertThat(rows(new DnsResolversTable(root))).extracting(r -> r.get("type") + ":" + r.get("id") + ":" + r.get("address"))
                .containsExactly("nameserver:0:10.0.0.2", "nameserver:1:10.0.0.3", "search:0:a.example", "search:1:b.example");
        assertThat(rows(new OsVersionTable(root))).singleElement().satisfies(r -> assertThat(r)
                .containsEntry("name", "Fixture Linux").containsEntry("major", 7L).containsEntry("minor", 1L)
                .containsEntry("patch", 2L).containsEntry("platform", "fixture"));
        assertThat(rows(new UptimeTable(root))).singleElement().satisfies(r -> assertThat(r)
                .containsEntry("days", 1L).containsEntry("hours", 2L).containsEntry("minutes", 3L).containsEntry("seconds", 4L));
        assertThat(rows(new CpuTimeTable(root))).singleElement().satisfies(r -> assertThat(r)
                .containsEntry("core", 0L).containsEntry("guest_nice", 10L));
        assertThat(rows(new DebPackagesTable(root))).singleElement().satisfies(r -> assertThat(r)
                .containsEntry("name", "hello").containsEntry("revision", "3").containsEntry("size", 102_400L)
                .containsEntry("source", "hello"));
        assertThat(rows(new LoggedInUsersTable(root))).isEmpty();
    }

    @Test
    void fileTableExpandsPathsUnderTheRoot() throws Exception {
        FileTable file = new FileTable(root);
        assertThat(rows(file, Constraint.of("path", Operator.EQ, "/home/alice/notes.txt"))).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("size", 6L).containsEntry("type", "regular")
                        .containsEntry("directory", "/home/alice").containsEntry("filename", "notes.txt"));
        assertThat(rows(file, Constraint.of("directory", Operator.EQ, "/home/alice"))).extracting(r -> r.get("path"))
                .containsExactlyInAnyOrder("/home/alice/.ssh", "/home/alice/.bash_history", "/home/alice/notes.txt", "/home/alice/docs");
        assertThat(rows(file, Constraint.of("path", Operator.LIKE, "/home/%/notes.%"))).extracting(r -> r.get("path"))
                .containsExactly("/home/alice/notes.txt");
        assertThat(rows(file, Constraint.of("path", Operator.LIKE, "/home/alice/docs/%%"))).extracting(r -> r.get("path"))
                .containsExactly("/home/alice/docs/deep", "/home/alice/docs/deep/file.md");
        assertThat(rows(file, Constraint.of("path", Operator.EQ, "/nope"))).isEmpty();
        assertThatThrownBy(() -> rows(file, Constraint.of("path", Operator.EQ, "etc/passwd")))
                .isInstanceOf(InvalidConstraintException.class).hasMessageContaining("absolute");
        assertThat(rows(new HashTable(root), Constraint.of("path", Operator.EQ, "/home/alice/notes.txt"))).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("sha256",
                        "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
                        .containsEntry("md5", "b1946ac92492d2347c6235b4d2611184"));
    }
}
