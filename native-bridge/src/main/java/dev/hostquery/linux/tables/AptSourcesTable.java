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
import java.util.List;
import java.util.Map;

/**
 * {@code apt_sources}: APT package repositories from /etc/apt/sources.list and /etc/apt/sources.list.d (one-line *.list and deb822 *.sources files), with details from the downloaded Release files in /var/lib/apt/lists.
 */
public final class AptSourcesTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("apt_sources")
            .description("APT package repositories from /etc/apt/sources.list and /etc/apt/sources.list.d (one-line *.list and deb822 *.sources files), with details from the downloaded Release files in /var/lib/apt/lists.")
            .column("name", ColumnType.TEXT, "Repository label from its Release file, else its URI and suite")
            .column("source", ColumnType.TEXT, "The file that declares the repository")
            .column("base_uri", ColumnType.TEXT, "Repository URI")
            .column("release", ColumnType.TEXT, "Suite (bookworm, stable, ...)")
            .column("version", ColumnType.TEXT, "VERSION_DPKG", "Version from the Release file, or NULL")
            .column("maintainer", ColumnType.TEXT, "Origin from the Release file, or NULL")
            .column("components", ColumnType.TEXT, "Components, space-separated")
            .column("architectures", ColumnType.TEXT, "Architectures, from [arch=...] or the Release file")
            .column("pid_with_namespace", ColumnType.INTEGER, "Not supported: always NULL (osquery reads another process's mount namespace)", ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN)
            .example("SELECT base_uri, release, components FROM apt_sources")
            .build();

    public AptSourcesTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        List<String> files = new ArrayList<>();
        files.add("/etc/apt/sources.list");
        root.list("/etc/apt/sources.list.d").stream().sorted().filter(n -> n.endsWith(".list") || n.endsWith(".sources"))
                .forEach(n -> files.add("/etc/apt/sources.list.d/" + n));
        for (String file : files) {
            String text = root.read(file).orElse("");
            List<String[]> sources = file.endsWith(".sources") ? parseDeb822Sources(text) : parseOneLineSources(text);
            for (String[] s : sources) {
                Map<String, String> release = releaseFile(s[0], s[1]);
                String label = release.getOrDefault("Label", release.get("Origin"));
                row.set("name", label != null ? label : s[0].replaceFirst("^[a-z+]+://", "") + " " + s[1]).set("source", file)
                        .set("base_uri", s[0]).set("release", s[1]).set("version", release.get("Version"))
                        .set("maintainer", release.get("Origin")).set("components", s[2])
                        .set("architectures", s[3] != null ? s[3] : release.get("Architectures"));
                if (!row.emit(sink)) {
                    return;
                }
            }
        }
    }

    /** The fields of the repository's cached InRelease or Release file; empty when apt has not downloaded it. */
    private Map<String, String> releaseFile(String uri, String suite) {
        String prefix = "/var/lib/apt/lists/" + (uri.replaceFirst("^[a-z+]+://", "").replaceAll("/+$", "") + "/dists/" + suite)
                .replace('/', '_');
        String text = root.read(prefix + "_InRelease").or(() -> root.read(prefix + "_Release")).orElse("");
        List<Map<String, String>> paragraphs = DebPackagesTable.parseParagraphs(text.replaceFirst("(?s)^-----BEGIN PGP SIGNED MESSAGE-----\\n(Hash:[^\\n]*\\n)*", ""));
        return paragraphs.isEmpty() ? Map.of() : paragraphs.getFirst();
    }

    /** "deb [arch=amd64 signed-by=…] URI suite component…" lines (sources.list(5)) as {uri, suite, components, arch or null}. */
    static List<String[]> parseOneLineSources(String text) {
        List<String[]> sources = new ArrayList<>();
        for (String line : text.split("\n")) {
            String t = line.replaceFirst("#.*", "").strip();
            if (!t.startsWith("deb ") && !t.startsWith("deb\t")) {
                continue;
            }
            t = t.substring(4).strip();
            String arch = null;
            if (t.startsWith("[")) {
                int close = t.indexOf(']');
                if (close < 0) {
                    continue;
                }
                for (String option : Values.fields(t.substring(1, close))) {
                    if (option.startsWith("arch=")) {
                        arch = option.substring(5).replace(',', ' ');
                    }
                }
                t = t.substring(close + 1).strip();
            }
            String[] f = Values.fields(t);
            if (f.length >= 2) {
                sources.add(new String[] {f[0], f[1], String.join(" ", java.util.Arrays.copyOfRange(f, 2, f.length)), arch});
            }
        }
        return sources;
    }

    /** deb822 *.sources stanzas with Types including deb, one entry per URI and suite. */
    static List<String[]> parseDeb822Sources(String text) {
        List<String[]> sources = new ArrayList<>();
        for (Map<String, String> p : DebPackagesTable.parseParagraphs(text)) {
            if (!List.of(Values.fields(p.getOrDefault("Types", ""))).contains("deb") || "no".equalsIgnoreCase(p.get("Enabled"))) {
                continue;
            }
            for (String uri : Values.fields(p.getOrDefault("URIs", ""))) {
                for (String suite : Values.fields(p.getOrDefault("Suites", ""))) {
                    sources.add(new String[] {uri, suite, p.getOrDefault("Components", ""), p.get("Architectures")});
                }
            }
        }
        return sources;
    }
}
