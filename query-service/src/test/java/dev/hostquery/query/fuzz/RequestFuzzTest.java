package dev.hostquery.query.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hostquery.query.rest.RequestParsing;
import jakarta.ws.rs.core.Response;

/**
 * The REST request body under arbitrary bytes, through the service's own strict ObjectMapper and exception
 * mappers: a body is either a valid request or a 400 problem document, never a 500 or another exception.
 */
class RequestFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void anyBodyIsARequestOrABadRequest(FuzzedDataProvider data) {
        String body = data.consumeRemainingAsString();
        Response response = RequestParsing.parse(body);
        if (response != null && response.getStatus() != 400) {
            throw new AssertionError("body " + body + " answered " + response.getStatus());
        }
    }
}
