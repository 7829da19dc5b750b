package dev.hostquery.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableSpecTest {
    private static TableSpec.Builder valid(String name) {
        return TableSpec.builder(name).description("A table.").column("a", ColumnType.TEXT, "a");
    }

    @Test
    void buildsTheCreateTableStatementWithCollationsAndHiddenColumns() {
        TableSpec spec = valid("t").column("mac", ColumnType.TEXT, "NOCASE", "mac").column("h", ColumnType.UNSIGNED_BIGINT, "h",
                ColumnFlag.HIDDEN).build();
        assertThat(spec.createTableSql())
                .isEqualTo("CREATE TABLE x(\"a\" TEXT, \"mac\" TEXT COLLATE NOCASE, \"h\" UNSIGNED BIGINT HIDDEN)");
        assertThat(spec.indexOf("mac")).isEqualTo(1);
        assertThat(spec.indexOf("nope")).isEqualTo(-1);
    }

    @Test
    void rejectsBadDeclarations() {
        assertThatThrownBy(() -> TableSpec.builder("t").column("a", ColumnType.TEXT, "").build())
                .hasMessageContaining("table 't' has no description");
        assertThatThrownBy(() -> valid("t").column("a", ColumnType.BIGINT, "").build())
                .hasMessageContaining("declares column 'a' twice");
        assertThatThrownBy(() -> valid("file_changes").column("time", ColumnType.BIGINT, "").evented().build())
                .hasMessageContaining("must have a name ending in _events");
        assertThatThrownBy(() -> valid("file_events").column("time", ColumnType.TEXT, "").evented().build())
                .hasMessageContaining("BIGINT 'time' column");
        assertThatThrownBy(() -> valid("Bad-Name").build()).hasMessageContaining("table name 'Bad-Name'");
        assertThatThrownBy(() -> valid("t").column("B", ColumnType.TEXT, "").build()).hasMessageContaining("column name 'B'");
        assertThatThrownBy(() -> TableSpec.builder("t").description("d").build()).hasMessageContaining("has no columns");
        assertThatThrownBy(() -> valid("t").patternColumns("zz").build()).hasMessageContaining("unknown pattern column 'zz'");
        assertThatThrownBy(() -> valid("t").column("c", ColumnType.TEXT, "klingon", "c").build())
                .hasMessageContaining("unknown collation 'klingon'");
        assertThat(valid("file_events").column("time", ColumnType.BIGINT, "").evented().build().evented()).isTrue();
    }

    @Test
    void parsesOsqueryTypeNames() {
        assertThat(ColumnType.fromSqlName("unsigned  bigint")).isEqualTo(ColumnType.UNSIGNED_BIGINT);
        assertThatThrownBy(() -> ColumnType.fromSqlName("VARCHAR")).hasMessageContaining("unknown column type 'VARCHAR'");
    }

    @Test
    void rowBuilderChecksTypes() {
        TableSpec spec = valid("t").column("n", ColumnType.INTEGER, "").column("d", ColumnType.DOUBLE, "").build();
        RowBuilder row = new RowBuilder(spec);
        Object[][] got = new Object[1][];
        row.set("a", "x").set("n", 3).set("d", 1.5f).emit(r -> {
            got[0] = r;
            return true;
        });
        assertThat(got[0]).containsExactly("x", 3L, 1.5d);
        assertThatThrownBy(() -> row.set("n", "3")).hasMessageContaining("'t.n' is INTEGER but got String");
        assertThatThrownBy(() -> row.set("zz", 1)).hasMessageContaining("has no column 'zz'");
    }

    @Test
    void contextIntersectsEqualityConstraintsAndConvertsTypes() {
        TableSpec spec = valid("t").column("n", ColumnType.BIGINT, "").build();
        QueryContext context = new QueryContext(spec, List.of(
                new Constraint("n", Operator.IN, List.of(1L, "2", "x", 3.0)),
                Constraint.of("n", Operator.EQ, 2L),
                Constraint.of("a", Operator.LIKE, "/etc/%")), null);
        assertThat(context.integerEquals("n")).isEqualTo(Optional.of(Set.of(2L)));
        assertThat(context.integerEquals("a")).isEmpty();
        assertThat(context.likePatterns("a")).containsExactly("/etc/%");
        assertThat(context.isUsed("n")).isTrue();
    }
}
