package dev.hostquery.query.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hostquery.api.ColumnSpec;
import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.LinuxTables;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One sanity test per table, on this machine, through SQL: every value has its column's declared type, and
 * the table-specific invariants hold (our own process exists, times are plausible, the socket we opened is
 * listening).
 */
class TableSanityTest {
    static final List<Table> TABLES = LinuxTables.all(HostRoot.system());
    static final long PID = ProcessHandle.current().pid();
    static final long NOW = System.currentTimeMillis() / 1000;
    static final long YEAR_2000 = 946_684_800L;
    static QueryEngine engine;
    static ServerSocket listener;

    @BeforeAll
    static void start() throws Exception {
        engine = new QueryEngine(TABLES, 2, new QueryLimits(60_000, 1_000_000, 1L << 30), 0);
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterAll
    static void stop() throws Exception {
        engine.close();
        listener.close();
    }

    /** The query that reads a table: required tables need their constraint. */
    static String query(TableSpec spec) {
        // derived from the declaration: a table that needs a path (file, hash, extended_attributes, …) gets some
        return spec.requiredColumns().contains("path")
                ? "SELECT * FROM " + spec.name() + " WHERE path IN ('/etc/passwd', '/etc/hostname', '/etc')"
                : "SELECT * FROM " + spec.name();
    }

    static Stream<String> tables() {
        return TABLES.stream().map(t -> t.spec().name());
    }

    static final Map<String, Consumer<List<Map<String, Object>>>> INVARIANTS = new HashMap<>();

    static {
        INVARIANTS.put("processes", rows -> {
            Map<String, Object> self = find(rows, "pid", PID);
            assertThat(self.get("name")).isNotNull();
            assertThat((String) self.get("cmdline")).contains("java");
            assertThat((Long) self.get("start_time")).isBetween(YEAR_2000, NOW + 60);
            assertThat((Long) self.get("resident_size")).isPositive();
            assertThat((Long) self.get("threads")).isPositive();
            assertThat(self.get("uid")).isEqualTo(uid());
            assertThat(rows).allSatisfy(r -> assertThat((Long) r.get("pid")).isPositive());
        });
        INVARIANTS.put("process_open_files", rows -> assertThat(rows).anySatisfy(r -> assertThat(r.get("pid")).isEqualTo(PID)));
        INVARIANTS.put("process_open_sockets", rows -> assertThat(rows).anySatisfy(r -> {
            assertThat(r.get("pid")).isEqualTo(PID);
            assertThat(r.get("local_port")).isEqualTo((long) listener.getLocalPort());
        }));
        INVARIANTS.put("listening_ports", rows -> assertThat(rows).anySatisfy(r -> {
            assertThat(r.get("pid")).isEqualTo(PID);
            assertThat(r.get("port")).isEqualTo((long) listener.getLocalPort());
            assertThat(r.get("protocol")).isEqualTo(6L);
        }));
        INVARIANTS.put("process_envs", rows -> assertThat(rows).anySatisfy(r -> {
            assertThat(r.get("pid")).isEqualTo(PID);
            assertThat(r.get("key")).isEqualTo("PATH");
        }));
        INVARIANTS.put("process_memory_map", rows -> assertThat(rows).anySatisfy(r -> assertThat(r.get("pid")).isEqualTo(PID)));
        INVARIANTS.put("process_namespaces", rows -> assertThat(find(rows, "pid", PID).get("net_namespace")).isNotNull());
        INVARIANTS.put("users", rows -> assertThat(find(rows, "uid", 0L).get("username")).isEqualTo("root"));
        INVARIANTS.put("groups", rows -> assertThat(find(rows, "gid", 0L).get("groupname")).isEqualTo("root"));
        INVARIANTS.put("user_groups", rows -> assertThat(rows).anySatisfy(r -> assertThat(r.get("uid")).isEqualTo(0L)));
        INVARIANTS.put("system_info", rows -> assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.get("hostname")).isNotNull();
            assertThat((Long) r.get("cpu_logical_cores")).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat((Long) r.get("physical_memory")).isPositive();
        }));
        INVARIANTS.put("os_version", rows -> assertThat(rows).singleElement().satisfies(r -> assertThat(r.get("name")).isNotNull()));
        INVARIANTS.put("kernel_info", rows -> assertThat(rows).singleElement()
                .satisfies(r -> assertThat(r.get("version")).isEqualTo(System.getProperty("os.version"))));
        INVARIANTS.put("uptime", rows -> assertThat((Long) rows.getFirst().get("total_seconds")).isPositive());
        INVARIANTS.put("time", rows -> assertThat((Long) rows.getFirst().get("unix_time")).isBetween(NOW - 60, NOW + 60));
        INVARIANTS.put("load_average", rows -> assertThat(rows).extracting(r -> r.get("period")).containsExactly("1m", "5m", "15m"));
        INVARIANTS.put("memory_info", rows -> assertThat((Long) rows.getFirst().get("memory_total")).isPositive());
        INVARIANTS.put("cpu_time", rows -> assertThat(rows).hasSizeGreaterThanOrEqualTo(Runtime.getRuntime().availableProcessors()));
        INVARIANTS.put("mounts", rows -> assertThat(rows).anySatisfy(r -> assertThat(r.get("path")).isEqualTo("/")));
        INVARIANTS.put("interface_addresses", rows -> assertThat(rows).anySatisfy(r -> assertThat(r.get("address")).isEqualTo("127.0.0.1")));
        INVARIANTS.put("interface_details", rows -> assertThat(find(rows, "interface", "lo").get("type")).isEqualTo(772L));
        INVARIANTS.put("etc_protocols", rows -> assertThat(find(rows, "name", "tcp").get("number")).isEqualTo(6L));
        INVARIANTS.put("etc_services", rows -> assertThat(rows).anySatisfy(r -> assertThat(r.get("port")).isEqualTo(22L)));
        INVARIANTS.put("system_controls", rows -> assertThat(find(rows, "name", "kernel.osrelease").get("current_value"))
                .isEqualTo(System.getProperty("os.version")));
        INVARIANTS.put("ulimit_info", rows -> assertThat(rows).anySatisfy(r -> assertThat(r.get("type")).isEqualTo("nofile")));
        INVARIANTS.put("file", rows -> {
            Map<String, Object> passwd = find(rows, "path", "/etc/passwd");
            assertThat((Long) passwd.get("size")).isPositive();
            assertThat(passwd.get("type")).isEqualTo("regular");
            assertThat((Long) passwd.get("block_size")).isPositive();
            assertThat((Long) passwd.get("mtime")).isBetween(0L, NOW + 60);
            assertThat(find(rows, "path", "/etc").get("type")).isEqualTo("directory");
        });
        INVARIANTS.put("hash", rows -> assertThat((String) find(rows, "path", "/etc/passwd").get("sha256")).hasSize(64));
        INVARIANTS.put("deb_packages", rows -> assertThat(rows).anySatisfy(r -> assertThat(r.get("name")).isEqualTo("libsqlite3-0")));
        INVARIANTS.put("kernel_modules", rows -> assertThat(rows).allSatisfy(r -> assertThat(r.get("name")).isNotNull()));
    }

    @ParameterizedTest
    @MethodSource("tables")
    void valuesHaveTheDeclaredTypes(String name) {
        TableSpec spec = TABLES.stream().map(Table::spec).filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        QueryResult result = engine.query(query(spec), QueryLimits.NONE_REQUESTED);
        List<ColumnSpec> visible = spec.columns().stream().filter(c -> !c.has(dev.hostquery.api.ColumnFlag.HIDDEN)).toList();
        assertThat(result.columns()).extracting(ResultColumn::name).containsExactlyElementsOf(visible.stream().map(ColumnSpec::name).toList());
        List<Map<String, Object>> rows = result.rows().stream().map(values -> {
            Map<String, Object> row = new HashMap<>();
            for (int i = 0; i < values.length; i++) {
                ColumnSpec column = visible.get(i);
                Object v = values[i];
                Class<?> expected = switch (column.type()) {
                    case INTEGER, BIGINT, UNSIGNED_BIGINT -> Long.class;
                    case DOUBLE -> Double.class;
                    case TEXT -> String.class;
                    case BLOB -> byte[].class;
                };
                if (v != null) {
                    assertThat(v).as("%s.%s", name, column.name()).isInstanceOf(expected);
                }
                row.put(column.name(), v);
            }
            return row;
        }).toList();
        INVARIANTS.getOrDefault(name, r -> { }).accept(rows);
    }

    @Test
    void everyTableWithoutAnInvariantIsOneThatMayBeEmptyHere() {
        List<String> free = tables().filter(t -> !INVARIANTS.containsKey(t)).sorted().toList();
        assertThat(free).containsExactlyInAnyOrder("apt_sources", "arp_cache", "authorized_keys", "block_devices", "crontab",
                "dns_resolvers", "etc_hosts", "extended_attributes", "last", "logged_in_users", "routes", "shadow", "shell_history", "suid_bin",
                "user_ssh_keys");
    }

    @Test
    void processesByPidIsPushedDown() {
        QueryResult r = engine.query("SELECT pid, name FROM processes WHERE pid = " + PID, QueryLimits.NONE_REQUESTED);
        assertThat(r.rows()).singleElement().satisfies(row -> assertThat(row[0]).isEqualTo(PID));
        QueryResult join = engine.query("SELECT p.name, f.size FROM processes p JOIN file f ON f.path = p.path WHERE p.pid = "
                + PID, QueryLimits.NONE_REQUESTED);
        assertThat(join.rows()).singleElement().satisfies(row -> assertThat((Long) row[1]).isPositive());
    }

    private static Map<String, Object> find(List<Map<String, Object>> rows, String column, Object value) {
        return rows.stream().filter(r -> value.equals(r.get(column))).findFirst()
                .orElseThrow(() -> new AssertionError("no row with " + column + " = " + value));
    }

    private static long uid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
