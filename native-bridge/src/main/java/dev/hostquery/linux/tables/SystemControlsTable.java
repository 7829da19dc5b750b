package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    private static final String BASE = "/proc/sys";

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
        Optional<Set<String>> names = context.textEquals("name");
        List<String> files = new ArrayList<>();
        if (names.isPresent()) {
            names.get().forEach(n -> files.add(BASE + "/" + n.replace('.', '/')));
        } else {
            // a directory that cannot be read is skipped with what it holds, not the whole table
            root.walk(BASE, Integer.MAX_VALUE, (path, type) -> {
                context.checkCancelled();
                if (type.equals("regular")) {
                    files.add(path);
                }
                return true;
            });
            files.sort(null);
        }
        for (String file : files) {
            context.checkCancelled();
            // write-only parameters (vm.compact_memory) cannot be opened for reading: no row, as sysctl -a
            String value = root.read(file).orElse(null);
            if (value == null) {
                continue;
            }
            String name = file.substring(BASE.length() + 1).replace('/', '.');
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
