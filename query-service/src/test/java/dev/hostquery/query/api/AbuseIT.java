package dev.hostquery.query.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The attacks of {@link AbuseTest} against the packaged jar. */
@QuarkusIntegrationTest
class AbuseIT extends AbuseTest {
}
