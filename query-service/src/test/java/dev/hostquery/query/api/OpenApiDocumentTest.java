package dev.hostquery.query.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed OpenAPI document (openapi/openapi.yaml) is the one SmallRye generates. After an intended API
 * change, run with -Dopenapi.update=true to rewrite the committed copy, and review the diff.
 */
@QuarkusTest
class OpenApiDocumentTest {
    @Test
    void committedDocumentMatchesTheGeneratedOne() throws Exception {
        String generated = given().when().get("/q/openapi?format=yaml").then().statusCode(200).extract().asString();
        Path committed = Path.of(System.getProperty("openapi.committed", "../openapi/openapi.yaml"));
        if (Boolean.getBoolean("openapi.update")) {
            Files.writeString(committed, generated);
        }
        assertThat(committed).as("the committed OpenAPI document; refresh it with -Dopenapi.update=true").exists();
        assertThat(Files.readString(committed)).as("openapi/openapi.yaml differs from the generated document; "
                + "refresh it with -Dopenapi.update=true").isEqualTo(generated);
        assertThat(generated).contains("/v1/queries", "/v1/tables/{name}", "application/problem+json", "required_constraint");
    }
}
