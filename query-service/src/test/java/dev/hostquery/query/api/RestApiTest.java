package dev.hostquery.query.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/** The REST API as a client sees it: every endpoint and every error code. */
@QuarkusTest
class RestApiTest {
    static ValidatableResponse query(String body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/v1/queries").then();
    }

    static ValidatableResponse problem(ValidatableResponse response, int status, String code) {
        return response.statusCode(status).contentType("application/problem+json").body("status", equalTo(status))
                .body("code", equalTo(code)).body("type", equalTo("urn:hostquery:error:" + code))
                .body("title", not(nullValue())).body("detail", not(nullValue()));
    }

    /**
     * What the catalog holds with the test configuration: every Linux table, derived from their declarations (no
     * count to keep up to date), the event service's tables and the service's own (osquery_info, …).
     */
    static final java.util.List<String> CATALOG = java.util.stream.Stream.concat(
            dev.hostquery.linux.LinuxTables.all(dev.hostquery.linux.HostRoot.system()).stream().map(t -> t.spec().name()),
            java.util.stream.Stream.concat(java.util.stream.Stream.of("file_events", "process_events", "socket_events",
                    "hostquery_events", "osquery_events"),
                    dev.hostquery.query.catalog.ServiceTables.specs().stream().map(dev.hostquery.api.TableSpec::name)))
            .toList();

    @Test
    void listsTheCatalog() {
        given().when().get("/v1/tables").then().statusCode(200).contentType(ContentType.JSON)
                .body("tables.size()", equalTo(CATALOG.size()))
                .body("tables.name", hasItems(CATALOG.toArray(String[]::new)))
                .body("tables.name", hasItems("processes", "users", "listening_ports", "file", "etc_hosts"))
                .body("tables.find { it.name == 'processes' }.columns.find { it.name == 'pid' }.type", equalTo("BIGINT"))
                .body("tables.find { it.name == 'processes' }.columns.find { it.name == 'pid' }.flags", hasItems("index", "optimized"));
    }

    @Test
    void describesOneTable() {
        given().when().get("/v1/tables/file").then().statusCode(200)
                .body("name", equalTo("file")).body("required_columns", equalTo(java.util.List.of("path", "directory")))
                .body("pattern_columns", hasItems("path", "directory")).body("examples.size()", greaterThan(0))
                .body("columns.find { it.name == 'mount_namespace_id' }.flags", hasItem("hidden"));
        given().when().get("/v1/tables/hosts").then().statusCode(200).body("name", equalTo("etc_hosts"));
        problem(given().when().get("/v1/tables/nope").then(), 404, "unknown_table").body("detail", containsString("nope"));
    }

    @Test
    void runsQueriesWithTypedValues() {
        long pid = ProcessHandle.current().pid();
        query("{\"sql\": \"SELECT pid, name, resident_size, 1.5 AS r, NULL AS n FROM processes WHERE pid = " + pid + "\"}")
                .statusCode(200).contentType(ContentType.JSON)
                .body("columns.name", equalTo(java.util.List.of("pid", "name", "resident_size", "r", "n")))
                .body("columns.type", equalTo(java.util.List.of("BIGINT", "TEXT", "BIGINT", "REAL", "NULL")))
                .body("row_count", equalTo(1)).body("rows[0].pid", equalTo((int) pid))
                .body("rows[0].resident_size", instanceOf(Number.class)).body("rows[0].r", equalTo(1.5f))
                .body("rows[0]", hasKey("n")).body("rows[0].n", nullValue()).body("elapsed_ms", greaterThanOrEqualTo(0f));
        query("{\"sql\": \"SELECT * FROM file WHERE path = '/etc/passwd';\"}").statusCode(200)
                .body("rows[0].type", equalTo("regular")).body("rows[0].size", greaterThan(0));
        query("{\"sql\": \"SELECT x'00ff' AS b\"}").statusCode(200).body("rows[0].b", equalTo("AP8="));
        query("{\"sql\": \"SELECT name FROM processes LIMIT 3\", \"limits\": {\"max_rows\": 3}}").statusCode(200)
                .body("row_count", equalTo(3));
    }

    @Test
    void reportsSqlErrorsWithCodes() {
        problem(query("{\"sql\": \"SELEC 1\"}"), 400, "sql_syntax").body("position", equalTo(0))
                .body("detail", containsString("syntax error"));
        problem(query("{\"sql\": \"SELECT * FROM no_such_table\"}"), 400, "unknown_table")
                .body("detail", containsString("no_such_table"));
        problem(query("{\"sql\": \"SELECT nope FROM users\"}"), 400, "unknown_column").body("detail", containsString("nope"));
        problem(query("{\"sql\": \"SELECT * FROM file\"}"), 400, "required_constraint")
                .body("detail", containsString("path or directory"));
        problem(query("{\"sql\": \"SELECT * FROM file WHERE path = 'etc/passwd'\"}"), 400, "invalid_constraint")
                .body("detail", containsString("absolute"));
        problem(query("{\"sql\": \"DELETE FROM users\"}"), 403, "read_only");
        problem(query("{\"sql\": \"ATTACH DATABASE '/tmp/x' AS x\"}"), 403, "read_only").body("detail", containsString("ATTACH"));
        problem(query("{\"sql\": \"SELECT * FROM processes\", \"limits\": {\"max_rows\": 1}}"), 422, "limit_exceeded")
                .body("limit", equalTo("max_rows"));
        problem(query("{\"sql\": \"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c\","
                + " \"limits\": {\"timeout_ms\": 100}}"), 422, "limit_exceeded").body("limit", equalTo("timeout_ms"));
        problem(query("{\"sql\": \"SELECT abs(-9223372036854775808)\"}"), 400, "sql_error").body("detail", containsString("overflow"));
    }

    @Test
    void rejectsMalformedRequests() {
        problem(query("{}"), 400, "bad_request").body("detail", containsString("no SQL"));
        problem(query("{\"sql\": \"SELECT 1; SELECT 2\"}"), 400, "bad_request").body("detail", containsString("one statement"));
        problem(query("{\"sqll\": \"SELECT 1\"}"), 400, "bad_request").body("detail", containsString("sqll"));
        problem(query("{\"sql\": "), 400, "bad_request").body("detail", containsString("not valid JSON"));
        problem(query("{\"sql\": \"SELECT 1\", \"limits\": {\"max_rows\": -1}}"), 400, "bad_request")
                .body("detail", containsString("negative"));
        problem(given().contentType(ContentType.TEXT).body("SELECT 1").when().post("/v1/queries").then(), 415,
                "unsupported_media_type");
        problem(given().when().get("/v1/nothing-here").then(), 404, "not_found");
    }

    @Test
    void servesHealthAndMetrics() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("query-engine"));
        given().when().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("http_server_requests"));
    }

    @Test
    void rowsAreObjectsKeyedByColumn() {
        query("{\"sql\": \"SELECT username, uid FROM users WHERE uid = 0\"}").statusCode(200)
                .body("rows.username", everyItem(equalTo("root")));
    }
}
