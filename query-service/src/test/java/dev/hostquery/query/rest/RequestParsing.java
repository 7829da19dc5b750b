package dev.hostquery.query.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.hostquery.query.sqlite.QueryException;
import jakarta.ws.rs.core.Response;

/**
 * A REST request body read as the service reads it (its strict ObjectMapper, then the limits), with failures
 * mapped by its own exception mappers; for the fuzz tests, which run without the HTTP server.
 */
public final class RequestParsing {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Problems PROBLEMS = new Problems();

    static {
        new StrictJson().customize(MAPPER);
        MAPPER.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // quarkus.jackson.fail-on-unknown-properties
    }

    private RequestParsing() {
    }

    /** @return null for a request the service would run, else the response it would send */
    public static Response parse(String body) {
        try {
            QueryRequestDto request = MAPPER.readValue(body, QueryRequestDto.class);
            if (request == null) {
                return Problems.problem(400, "bad_request", "Bad request", "the request body is empty", null, null);
            }
            QueriesResource.limits(request.limits());
            return null;
        } catch (UnrecognizedPropertyException e) {
            return PROBLEMS.mapUnknownProperty(e);
        } catch (MismatchedInputException e) {
            return PROBLEMS.mapMismatch(e);
        } catch (JsonProcessingException e) {
            return PROBLEMS.mapJson(e);
        } catch (QueryException e) {
            return PROBLEMS.mapQuery(e);
        }
    }
}
