package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code os_version}: The operating system release, from /etc/os-release (os-release(5)).
 */
public final class OsVersionTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("os_version")
            .description("The operating system release, from /etc/os-release (os-release(5)).")
            .column("name", ColumnType.TEXT, "Distribution name (NAME)")
            .column("version", ColumnType.TEXT, "VERSION", "Version string (VERSION)")
            .column("major", ColumnType.INTEGER, "Major version from VERSION_ID")
            .column("minor", ColumnType.INTEGER, "Minor version from VERSION_ID")
            .column("patch", ColumnType.INTEGER, "Patch version from VERSION_ID")
            .column("build", ColumnType.TEXT, "Build (BUILD_ID), or empty")
            .column("platform", ColumnType.TEXT, "Distribution ID (ID)")
            .column("platform_like", ColumnType.TEXT, "Related distributions (ID_LIKE)")
            .column("codename", ColumnType.TEXT, "Release code name (VERSION_CODENAME)")
            .column("arch", ColumnType.TEXT, "Machine architecture")
            .column("pid_with_namespace", ColumnType.INTEGER, "Not supported: always NULL (osquery reads another process's mount namespace)", ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN)
            .column("mount_namespace_id", ColumnType.TEXT, "Not supported: always NULL", ColumnFlag.HIDDEN)
            .example("SELECT name, version, codename FROM os_version")
            .build();

    public OsVersionTable(HostRoot root) {
        super(root, SPEC, false);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        Map<String, String> release = parseOsRelease(root.read("/etc/os-release").or(() -> root.read("/usr/lib/os-release")).orElse(""));
        String[] numbers = release.getOrDefault("VERSION_ID", "").split("\\.");
        new RowBuilder(SPEC).set("name", release.get("NAME")).set("version", release.get("VERSION"))
                .set("major", numbers.length > 0 ? Values.parseLong(numbers[0]) : null)
                .set("minor", numbers.length > 1 ? Values.parseLong(numbers[1]) : null)
                .set("patch", numbers.length > 2 ? Values.parseLong(numbers[2]) : null)
                .set("build", release.getOrDefault("BUILD_ID", "")).set("platform", release.get("ID"))
                .set("platform_like", release.get("ID_LIKE")).set("codename", release.get("VERSION_CODENAME"))
                .set("arch", architecture(root)).emit(sink);
    }

    /** Parses os-release's KEY=value lines, removing shell quotes. */
    static Map<String, String> parseOsRelease(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0 || line.startsWith("#")) {
                continue;
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            map.put(line.substring(0, eq).strip(), value);
        }
        return map;
    }

    /** uname's machine: /proc/sys/kernel/arch (Linux 6.1+), else the JVM's os.arch in uname's spelling. */
    static String architecture(HostRoot root) {
        return root.value("/proc/sys/kernel/arch").orElseGet(() -> switch (System.getProperty("os.arch")) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            default -> System.getProperty("os.arch");
        });
    }
}
