package dev.hostquery.events.tables;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.TableSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The evented tables have osquery's columns, types and flags (the reference lives with native-bridge's tests). */
class EventTableSpecsTest {
    @Test
    void eventedTablesMatchOsquerysSchema() throws Exception {
        JsonNode reference = new ObjectMapper().readTree(Path.of("../native-bridge/src/test/resources/osquery-linux-schema.json").toFile());
        for (TableSpec spec : List.of(EventTableSpecs.FILE_EVENTS, EventTableSpecs.PROCESS_EVENTS, EventTableSpecs.SOCKET_EVENTS)) {
            JsonNode table = null;
            for (JsonNode t : reference.get("tables")) {
                if (t.get("name").asText().equals(spec.name())) {
                    table = t;
                }
            }
            assertThat(table).as(spec.name()).isNotNull();
            assertThat(spec.evented()).isEqualTo(table.get("evented").asBoolean());
            List<String> want = new ArrayList<>();
            for (JsonNode c : table.get("columns")) {
                StringBuilder s = new StringBuilder(c.get("name").asText() + " " + c.get("type").asText());
                for (String flag : new String[] {"index", "required", "additional", "hidden", "optimized"}) {
                    if (c.path(flag).asBoolean(false)) {
                        s.append(' ').append(flag);
                    }
                }
                want.add(s.toString());
            }
            List<String> got = spec.columns().stream().map(c -> {
                StringBuilder s = new StringBuilder(c.name() + " " + c.type().sqlName());
                for (ColumnFlag f : new ColumnFlag[] {ColumnFlag.INDEX, ColumnFlag.REQUIRED, ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN,
                    ColumnFlag.OPTIMIZED}) {
                    if (c.has(f)) {
                        s.append(' ').append(f.name().toLowerCase(Locale.ROOT));
                    }
                }
                return s.toString();
            }).toList();
            assertThat(got).as(spec.name()).containsExactlyElementsOf(want);
        }
    }
}
