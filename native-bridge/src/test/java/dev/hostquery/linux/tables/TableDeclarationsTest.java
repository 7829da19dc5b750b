package dev.hostquery.linux.tables;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnSpec;
import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.LinuxTables;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every table's declaration matches osquery's schema exactly: names, column order, types, flags, collations. */
class TableDeclarationsTest {
    static Map<String, JsonNode> reference() throws Exception {
        try (InputStream in = TableDeclarationsTest.class.getResourceAsStream("/osquery-linux-schema.json")) {
            Map<String, JsonNode> tables = new HashMap<>();
            new ObjectMapper().readTree(in).get("tables").forEach(t -> tables.put(t.get("name").asText(), t));
            return tables;
        }
    }

    @Test
    void everyTableMatchesOsquerysSchema() throws Exception {
        Map<String, JsonNode> reference = reference();
        List<Table> tables = LinuxTables.all(HostRoot.system());
        assertThat(tables).isNotEmpty();
        for (Table table : tables) {
            TableSpec spec = table.spec();
            JsonNode expected = reference.get(spec.name());
            assertThat(expected).as("osquery has a table named %s", spec.name()).isNotNull();
            List<String> want = new ArrayList<>();
            for (JsonNode c : expected.get("columns")) {
                StringBuilder s = new StringBuilder(c.get("name").asText() + " " + c.get("type").asText());
                for (String flag : new String[] {"index", "required", "additional", "hidden", "optimized"}) {
                    if (c.path(flag).asBoolean(false)) {
                        s.append(' ').append(flag);
                    }
                }
                if (c.has("collate")) {
                    s.append(" collate ").append(c.get("collate").asText().toUpperCase(Locale.ROOT));
                }
                want.add(s.toString());
            }
            List<String> got = spec.columns().stream().map(TableDeclarationsTest::describe).toList();
            assertThat(got).as("columns of %s", spec.name()).containsExactlyElementsOf(want);
            List<String> aliases = new ArrayList<>();
            expected.get("aliases").forEach(a -> aliases.add(a.asText()));
            assertThat(spec.aliases()).as("aliases of %s", spec.name()).containsExactlyElementsOf(aliases);
            assertThat(spec.description()).isNotBlank();
            assertThat(spec.examples()).as("examples of %s", spec.name()).isNotEmpty();
        }
    }

    private static String describe(ColumnSpec c) {
        StringBuilder s = new StringBuilder(c.name() + " " + c.type().sqlName());
        for (ColumnFlag flag : new ColumnFlag[] {ColumnFlag.INDEX, ColumnFlag.REQUIRED, ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN,
            ColumnFlag.OPTIMIZED}) {
            if (c.has(flag)) {
                s.append(' ').append(flag.name().toLowerCase(Locale.ROOT));
            }
        }
        if (c.collate() != null) {
            s.append(" collate ").append(c.collate());
        }
        return s.toString();
    }
}
