package dev.hostquery.linux.tables;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hostquery.api.ColumnSpec;
import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.LinuxTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * native-bridge/TABLES.md is generated from the table declarations, like the catalog endpoint. After changing a
 * declaration, run with -Dtables.update=true to rewrite it.
 */
class TablesDocTest {
    @Test
    void committedReferenceMatchesTheDeclarations() throws Exception {
        String generated = render();
        Path committed = Path.of("TABLES.md");
        if (Boolean.getBoolean("tables.update")) {
            Files.writeString(committed, generated);
        }
        assertThat(committed).exists();
        assertThat(Files.readString(committed)).as("TABLES.md is stale; rewrite it with -Dtables.update=true")
                .isEqualTo(generated);
    }

    static String render() {
        StringBuilder md = new StringBuilder("""
                # Tables

                Generated from the table declarations in `src/main/java/dev/hostquery/linux/tables` by `TablesDocTest`;
                do not edit by hand. `GET /v1/tables` serves the same catalog. Names, types and flags are osquery's.
                Flags: **index** (an equality constraint is cheap), **required** (a query must constrain one of these),
                **additional**, **hidden** (left out of `SELECT *`), **optimized** (constraints reduce the work).

                """);
        var specs = LinuxTables.all(HostRoot.system()).stream().map(Table::spec).sorted(Comparator.comparing(TableSpec::name)).toList();
        md.append(specs.stream().map(s -> "[" + s.name() + "](#" + s.name() + ")").collect(Collectors.joining(" · "))).append("\n");
        for (TableSpec spec : specs) {
            md.append("\n## ").append(spec.name()).append("\n\n").append(spec.description()).append("\n\n");
            if (!spec.aliases().isEmpty()) {
                md.append("Also known as: ").append(String.join(", ", spec.aliases())).append("\n\n");
            }
            md.append("| column | type | flags | description |\n|---|---|---|---|\n");
            for (ColumnSpec c : spec.columns()) {
                String flags = c.flags().stream().sorted().map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
                if (c.collate() != null) {
                    flags = flags.isEmpty() ? "collate " + c.collate() : flags + ", collate " + c.collate();
                }
                md.append("| `").append(c.name()).append("` | ").append(c.type().sqlName()).append(" | ").append(flags).append(" | ")
                        .append(c.description().replace("|", "\\|")).append(" |\n");
            }
            md.append("\nExamples:\n\n");
            for (String example : spec.examples()) {
                md.append("```sql\n").append(example).append("\n```\n");
            }
        }
        return md.toString();
    }
}
