package dev.hostquery.query.catalog;

import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * osquery's introspection tables, with osquery's columns, describing this service: {@code osquery_info} (version,
 * instance, pid, start time, configuration hash; the watcher's fields NULL, hostquery has none), {@code osquery_flags}
 * (the service's settings with their values and defaults, secrets masked), and {@code osquery_registry},
 * {@code osquery_extensions}, {@code osquery_packs} and {@code osquery_schedule}, which hostquery has nothing for yet
 * (scheduled queries will fill the last two) and which are empty, so that osquery's queries of them run.
 */
public final class ServiceTables {
    /** Setting names whose values are never shown. */
    private static final Pattern SECRET = Pattern.compile("(?i).*(password|secret|credential|private-key).*");
    /** osquery's platform mask for Linux: POSIX (1) and Linux (8). */
    private static final long LINUX_PLATFORM_MASK = 9;

    private ServiceTables() {
    }

    /** The tables' declarations, in the order {@link #all} gives them. */
    public static List<TableSpec> specs() {
        return List.of(INFO, FLAGS, REGISTRY, EXTENSIONS, PACKS, SCHEDULE);
    }

    /**
     * @param version the service's version
     * @param root    the host, for its machine id
     * @param config  the running configuration, for osquery_flags and the configuration hash
     */
    public static List<Table> all(String version, HostRoot root, Config config) {
        long start = System.currentTimeMillis() / 1000;
        String instance = UUID.randomUUID().toString();
        return List.of(info(version, root, config, start, instance), flags(config), empty(REGISTRY), empty(EXTENSIONS),
                empty(PACKS), empty(SCHEDULE));
    }

    static final TableSpec INFO = TableSpec.builder("osquery_info")
            .description("This hostquery service: its version, instance, process and start time, and a hash of its settings "
                    + "(osquery's columns; the watcher's are NULL: hostquery runs without one).")
            .column("pid", ColumnType.INTEGER, "Process id of the service")
            .column("uuid", ColumnType.TEXT, "NOCASE", "The host's identity: /etc/machine-id as a UUID; NULL when there is none")
            .column("instance_id", ColumnType.TEXT, "A UUID drawn when the service started")
            .column("version", ColumnType.TEXT, "VERSION", "hostquery's version")
            .column("config_hash", ColumnType.TEXT, "NOCASE", "SHA-1 of the hostquery.* settings in effect (names and values)")
            .column("config_valid", ColumnType.INTEGER, "1: a service that runs had a valid configuration")
            .column("extensions", ColumnType.TEXT, "Extensions: 'inactive' (hostquery has none)")
            .column("build_platform", ColumnType.TEXT, "linux")
            .column("build_distro", ColumnType.TEXT, "The JVM the service runs on, e.g. 25.0.3")
            .column("start_time", ColumnType.INTEGER, "When the service started, seconds since the epoch")
            .column("watcher", ColumnType.INTEGER, "NULL: hostquery has no watcher process")
            .column("platform_mask", ColumnType.INTEGER, "osquery's platform bits: 9 (POSIX and Linux)")
            .example("SELECT version, start_time FROM osquery_info")
            .build();

    static final TableSpec FLAGS = TableSpec.builder("osquery_flags")
            .sensitive("the service's settings: file paths, addresses and the roles configuration tell an attacker where to look")
            .description("The service's settings (hostquery.*, and the quarkus.http and quarkus.tls ones it documents): value in "
                    + "effect and default; values of secrets (passwords) are masked.")
            .column("name", ColumnType.TEXT, "Setting, e.g. hostquery.query.timeout")
            .column("type", ColumnType.TEXT, "'string': settings are typed where they are read")
            .column("description", ColumnType.TEXT, "Where the setting is explained: the README's configuration table")
            .column("default_value", ColumnType.TEXT, "The default, NULL when it has none")
            .column("value", ColumnType.TEXT, "The value in effect; '****' for a secret")
            .column("shell_only", ColumnType.INTEGER, "0: no setting is for a shell only")
            .example("SELECT name, value FROM osquery_flags WHERE name LIKE 'hostquery.query.%'")
            .build();

    static final TableSpec REGISTRY = TableSpec.builder("osquery_registry")
            .description("osquery's plugin registry; hostquery has no plugins, so the table is empty.")
            .column("registry", ColumnType.TEXT, "Registry name")
            .column("name", ColumnType.TEXT, "Plugin name")
            .column("owner_uuid", ColumnType.INTEGER, "Extension that owns the plugin")
            .column("internal", ColumnType.INTEGER, "1 for an internal plugin")
            .column("active", ColumnType.INTEGER, "1 for an active plugin")
            .example("SELECT * FROM osquery_registry")
            .build();

    static final TableSpec EXTENSIONS = TableSpec.builder("osquery_extensions")
            .description("osquery's extensions; hostquery has none, so the table is empty.")
            .column("uuid", ColumnType.BIGINT, "Extension id")
            .column("name", ColumnType.TEXT, "Extension name")
            .column("version", ColumnType.TEXT, "VERSION", "Extension version")
            .column("sdk_version", ColumnType.TEXT, "VERSION", "osquery SDK version")
            .column("path", ColumnType.TEXT, "Extension path")
            .column("type", ColumnType.TEXT, "extension or module")
            .example("SELECT * FROM osquery_extensions")
            .build();

    static final TableSpec PACKS = TableSpec.builder("osquery_packs")
            .description("osquery's query packs; empty until hostquery has scheduled queries.")
            .column("name", ColumnType.TEXT, "Pack name")
            .column("platform", ColumnType.TEXT, "Platforms the pack runs on")
            .column("version", ColumnType.TEXT, "VERSION", "Least osquery version the pack needs")
            .column("shard", ColumnType.INTEGER, "Shard of hosts the pack runs on")
            .column("discovery_cache_hits", ColumnType.INTEGER, "Discovery queries answered from the cache")
            .column("discovery_executions", ColumnType.INTEGER, "Discovery queries run")
            .column("active", ColumnType.INTEGER, "1 when the pack is active")
            .example("SELECT * FROM osquery_packs")
            .build();

    static final TableSpec SCHEDULE = TableSpec.builder("osquery_schedule")
            .description("osquery's scheduled queries and their statistics; empty until hostquery has scheduled queries.")
            .column("name", ColumnType.TEXT, "Query name")
            .column("query", ColumnType.TEXT, "The SQL")
            .column("interval", ColumnType.INTEGER, "Seconds between runs")
            .column("executions", ColumnType.BIGINT, "Runs so far")
            .column("last_executed", ColumnType.BIGINT, "When it last ran, seconds since the epoch")
            .column("denylisted", ColumnType.INTEGER, "1 when it is denylisted")
            .column("output_size", ColumnType.BIGINT, "Bytes of results so far")
            .column("wall_time", ColumnType.BIGINT, "Wall time of all runs, seconds")
            .column("wall_time_ms", ColumnType.BIGINT, "Wall time of all runs, milliseconds")
            .column("last_wall_time_ms", ColumnType.BIGINT, "Wall time of the last run, milliseconds")
            .column("user_time", ColumnType.BIGINT, "User CPU time of all runs, milliseconds")
            .column("last_user_time", ColumnType.BIGINT, "User CPU time of the last run, milliseconds")
            .column("system_time", ColumnType.BIGINT, "System CPU time of all runs, milliseconds")
            .column("last_system_time", ColumnType.BIGINT, "System CPU time of the last run, milliseconds")
            .column("average_memory", ColumnType.BIGINT, "Average memory of the runs, bytes")
            .column("last_memory", ColumnType.BIGINT, "Memory of the last run, bytes")
            .example("SELECT name, executions FROM osquery_schedule")
            .build();

    private static Table info(String version, HostRoot root, Config config, long start, String instance) {
        String hash = configHash(config);
        return new Table() {
            @Override
            public TableSpec spec() {
                return INFO;
            }

            @Override
            public void generate(QueryContext context, RowSink sink) {
                RowBuilder row = new RowBuilder(INFO);
                row.set("pid", ProcessHandle.current().pid()).set("uuid", machineUuid(root).orElse(null)).set("instance_id", instance)
                        .set("version", version).set("config_hash", hash).set("config_valid", 1L).set("extensions", "inactive")
                        .set("build_platform", "linux").set("build_distro", Runtime.version().toString()).set("start_time", start)
                        .set("watcher", null).set("platform_mask", LINUX_PLATFORM_MASK);
                sink.accept(row.build());
            }
        };
    }

    private static Table flags(Config config) {
        ConfigSource defaults = null;
        for (ConfigSource source : config.getConfigSources()) {
            if (source.getName().contains("DefaultValuesConfigSource")) {
                defaults = source;
            }
        }
        ConfigSource defaultValues = defaults;
        return new Table() {
            @Override
            public TableSpec spec() {
                return FLAGS;
            }

            @Override
            public void generate(QueryContext context, RowSink sink) {
                RowBuilder row = new RowBuilder(FLAGS);
                for (String name : settings(config)) {
                    context.checkCancelled();
                    String value = config.getOptionalValue(name, String.class).orElse(null);
                    String def = defaultValues == null ? null : defaultValues.getValue(name);
                    boolean secret = SECRET.matcher(name).matches();
                    row.set("name", name).set("type", "string").set("description", "README, Configuration")
                            .set("default_value", secret && def != null ? "****" : def)
                            .set("value", secret && value != null ? "****" : value).set("shell_only", 0L);
                    if (!sink.accept(row.build())) {
                        return;
                    }
                }
            }
        };
    }

    private static Table empty(TableSpec spec) {
        return new Table() {
            @Override
            public TableSpec spec() {
                return spec;
            }

            @Override
            public void generate(QueryContext context, RowSink sink) {
                // nothing of this kind exists in hostquery (yet)
            }
        };
    }

    /** The settings osquery_flags shows, sorted: hostquery.*, and the quarkus.http and quarkus.tls ones. */
    static TreeSet<String> settings(Config config) {
        TreeSet<String> names = new TreeSet<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("hostquery.") || name.startsWith("quarkus.http.") || name.startsWith("quarkus.tls.")) {
                names.add(name);
            }
        }
        return names;
    }

    private static String configHash(Config config) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            for (String name : settings(config)) {
                if (name.startsWith("hostquery.")) {
                    sha1.update((name + "=" + config.getOptionalValue(name, String.class).orElse("") + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            return HexFormat.of().formatHex(sha1.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** /etc/machine-id (32 hex digits) as a UUID, as systemd-id128(1) prints it with --uuid. */
    private static Optional<String> machineUuid(HostRoot root) {
        return root.value("/etc/machine-id").map(String::strip).filter(id -> id.matches("[0-9a-fA-F]{32}"))
                .map(id -> (id.substring(0, 8) + "-" + id.substring(8, 12) + "-" + id.substring(12, 16) + "-" + id.substring(16, 20)
                        + "-" + id.substring(20)).toLowerCase(Locale.ROOT));
    }
}
