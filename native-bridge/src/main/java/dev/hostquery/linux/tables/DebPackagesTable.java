package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code deb_packages}: Debian packages known to dpkg, from the status database (/var/lib/dpkg/status, or <admindir>/status).
 */
public final class DebPackagesTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("deb_packages")
            .sensitivePaths("an admindir other than /var/lib/dpkg names a file to read: outside the reader paths it probes other files")
            .description("Debian packages known to dpkg, from the status database (/var/lib/dpkg/status, or <admindir>/status).")
            .column("name", ColumnType.TEXT, "Package name")
            .column("version", ColumnType.TEXT, "VERSION_DPKG", "Version")
            .column("source", ColumnType.TEXT, "Source package, when it differs")
            .column("size", ColumnType.BIGINT, "Installed size, bytes (Installed-Size x 1024)")
            .column("arch", ColumnType.TEXT, "Architecture")
            .column("revision", ColumnType.TEXT, "Debian revision: the part of the version after the last -")
            .column("status", ColumnType.TEXT, "dpkg status: want, error flag and state")
            .column("maintainer", ColumnType.TEXT, "Maintainer")
            .column("section", ColumnType.TEXT, "Archive section")
            .column("priority", ColumnType.TEXT, "Priority")
            .column("admindir", ColumnType.TEXT, "dpkg database directory read", ColumnFlag.ADDITIONAL, ColumnFlag.OPTIMIZED)
            .column("pid_with_namespace", ColumnType.INTEGER, "Not supported: always NULL (osquery reads another process's mount namespace)", ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN)
            .column("mount_namespace_id", ColumnType.TEXT, "Not supported: always NULL", ColumnFlag.HIDDEN)
            .example("SELECT name, version FROM deb_packages WHERE name LIKE 'openssl%'")
            .build();

    public DebPackagesTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        Set<String> admindirs = context.textEquals("admindir").orElse(Set.of("/var/lib/dpkg"));
        for (String admindir : admindirs) {
            if (!admindir.equals("/var/lib/dpkg")) {
                // another database is a file the query names: held to the principal's paths like file and hash
                FilePatterns.checkAccess(root, context, admindir + "/status");
            }
            for (Map<String, String> p : parseParagraphs(root.read(admindir + "/status").orElse(""))) {
                String name = p.get("Package");
                if (name == null) {
                    continue;
                }
                String version = p.get("Version");
                Long kib = Values.parseLong(p.get("Installed-Size"));
                row.set("name", name).set("version", version)
                        .set("source", p.containsKey("Source") ? p.get("Source").replaceFirst("\\s*\\(.*\\)$", "") : "")
                        .set("size", kib == null ? null : kib * 1024).set("arch", p.get("Architecture"))
                        .set("revision", version != null && version.contains("-") ? version.substring(version.lastIndexOf('-') + 1) : "")
                        .set("status", p.get("Status")).set("maintainer", p.get("Maintainer")).set("section", p.get("Section"))
                        .set("priority", p.get("Priority")).set("admindir", admindir);
                if (!row.emit(sink)) {
                    return;
                }
            }
        }
    }

    /**
     * Parses deb822 paragraphs (deb822(5)): "Field: value" lines, continuation lines start with white space,
     * paragraphs are separated by blank lines. Continuations are joined with newlines.
     */
    static List<Map<String, String>> parseParagraphs(String text) {
        List<Map<String, String>> paragraphs = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        String last = null;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                if (!current.isEmpty()) {
                    paragraphs.add(current);
                    current = new LinkedHashMap<>();
                }
                last = null;
            } else if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                current.merge(last, "\n" + line.strip(), String::concat);
            } else if (!line.startsWith("#")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    last = line.substring(0, colon);
                    current.put(last, line.substring(colon + 1).strip());
                }
            }
        }
        if (!current.isEmpty()) {
            paragraphs.add(current);
        }
        return paragraphs;
    }
}
