package dev.hostquery.query.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The gRPC tests again, over a real channel to the packaged application. */
@QuarkusIntegrationTest
class GrpcApiIT extends GrpcApiTest {
}
