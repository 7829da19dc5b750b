package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code system_controls}: Kernel parameters (sysctl): current values from /proc/sys, configured values from /etc/sysctl.conf and /etc/sysctl.d/*.conf.
 */
public final class SystemControlsTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("system_controls")
            .description("Kernel parameters (sysctl): current values from /proc/sys, configured values from /etc/sysctl.conf and /etc/sysctl.d/*.conf.")
            .column("name", ColumnType.TEXT, "Parameter name, dot-separated (net.ipv4.ip_forward)", ColumnFlag.INDEX)
            .column("oid", ColumnType.TEXT, "Always empty on Linux", ColumnFlag.ADDITIONAL)
            .column("subsystem", ColumnType.TEXT, "First part of the name (kernel, net, vm, fs, ...)", ColumnFlag.ADDITIONAL)
            .column("current_value", ColumnType.TEXT, "Current value, white space collapsed")
            .column("config_value", ColumnType.TEXT, "Value set in the sysctl configuration files, or NULL")
            .column("type", ColumnType.TEXT, "Always empty on Linux")
            .example("SELECT current_value FROM system_controls WHERE name = 'net.ipv4.ip_forward'")
            .build();

    public SystemControlsTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        Map<String, String> configured = new HashMap<>();
        configured.putAll(parseSysctlConf(root.read("/etc/sysctl.conf").orElse("")));
        for (String name : root.list("/etc/sysctl.d").stream().sorted().toList()) {
            if (name.endsWith(".conf")) {
                configured.putAll(parseSysctlConf(root.read("/etc/sysctl.d/" + name).orElse("")));
            }
        }
        Path base = root.resolve("/proc/sys");
        Optional<Set<String>> names = context.textEquals("name");
        List<Path> files;
        if (names.isPresent()) {
            files = names.get().stream().map(n -> base.resolve(n.replace('.', '/'))).filter(Files::isRegularFile).toList();
        } else {
            try (Stream<Path> walk = Files.walk(base)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                files = List.of();
            }
        }
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                continue;
            }
            String value = HostRoot.readPath(file).orElse(null);
            if (value == null) {
                continue;
            }
            String name = base.relativize(file).toString().replace('/', '.');
            row.set("name", name).set("oid", "").set("subsystem", name.substring(0, Math.max(0, name.indexOf('.'))))
                    .set("current_value", value.strip().replaceAll("\\s+", " ")).set("config_value", configured.get(name))
                    .set("type", "");
            if (!row.emit(sink)) {
                return;
            }
        }
    }

    /** Parses sysctl.conf(5): "name = value" lines; '/' in names is read as '.'; comments start with # or ;. */
    static Map<String, String> parseSysctlConf(String text) {
        Map<String, String> map = new HashMap<>();
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.startsWith("-")) {
                t = t.substring(1);
            }
            int eq = t.indexOf('=');
            if (t.isEmpty() || t.startsWith("#") || t.startsWith(";") || eq <= 0) {
                continue;
            }
            map.put(t.substring(0, eq).strip().replace('/', '.'), t.substring(eq + 1).strip());
        }
        return map;
    }
}
