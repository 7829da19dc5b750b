package dev.hostquery.query.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostquery.api.ColumnSpec;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.Table;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** osquery's introspection tables: osquery's columns, and what they say about this very process. */
class ServiceTablesTest {
    @Test
    void columnsAreOsquerys() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(Path.of("../native-bridge/src/test/resources/osquery-linux-schema.json").toFile());
        Map<String, JsonNode> byName = new HashMap<>();
        schema.get("tables").forEach(t -> byName.put(t.get("name").asText(), t));
        for (TableSpec spec : ServiceTables.specs()) {
            JsonNode expected = byName.get(spec.name());
            assertThat(expected).as(spec.name()).isNotNull();
            List<String> want = new ArrayList<>();
            expected.get("columns").forEach(c -> want.add(c.get("name").asText() + " " + c.get("type").asText()
                    + (c.has("collate") ? " " + c.get("collate").asText().toUpperCase(Locale.ROOT) : "")));
            List<String> got = spec.columns().stream().map(ServiceTablesTest::describe).toList();
            assertThat(got).as(spec.name()).containsExactlyElementsOf(want);
        }
    }

    private static String describe(ColumnSpec c) {
        return c.name() + " " + c.type().sqlName() + (c.collate() == null ? "" : " " + c.collate().toUpperCase(Locale.ROOT));
    }

    @Test
    void osqueryInfoDescribesThisProcess() throws Exception {
        Table info = ServiceTables.all("1.2.3", HostRoot.system(), ConfigProvider.getConfig()).getFirst();
        List<Object[]> rows = new ArrayList<>();
        info.generate(QueryContext.all(info.spec()), rows::add);
        assertThat(rows).hasSize(1);
        Object[] row = rows.getFirst();
        assertThat(row[info.spec().indexOf("pid")]).isEqualTo(ProcessHandle.current().pid());
        assertThat(row[info.spec().indexOf("version")]).isEqualTo("1.2.3");
        assertThat((String) row[info.spec().indexOf("instance_id")]).hasSize(36);
        assertThat((String) row[info.spec().indexOf("config_hash")]).hasSize(40);
        assertThat(row[info.spec().indexOf("watcher")]).isNull();
        assertThat(row[info.spec().indexOf("platform_mask")]).isEqualTo(9L);
    }
}
