package dev.hostquery.query.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The REST tests again, against the packaged application (target/quarkus-app/quarkus-run.jar). */
@QuarkusIntegrationTest
class RestApiIT extends RestApiTest {
}
