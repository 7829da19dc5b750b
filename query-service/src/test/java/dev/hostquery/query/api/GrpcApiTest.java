package dev.hostquery.query.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hostquery.grpc.v1.CatalogGrpc;
import dev.hostquery.grpc.v1.GetTableRequest;
import dev.hostquery.grpc.v1.ListTablesRequest;
import dev.hostquery.grpc.v1.QueryGrpc;
import dev.hostquery.grpc.v1.QueryLimits;
import dev.hostquery.grpc.v1.QueryRequest;
import dev.hostquery.grpc.v1.QueryResponse;
import dev.hostquery.grpc.v1.QueryStreamResponse;
import dev.hostquery.grpc.v1.TableInfo;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every gRPC call over a real channel to the service's HTTP port. */
@QuarkusTest
class GrpcApiTest {
    static final Metadata.Key<String> CODE = Metadata.Key.of("hostquery-error-code", Metadata.ASCII_STRING_MARSHALLER);

    @TestHTTPResource
    URL url;
    ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = NettyChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void catalogCalls() {
        var catalog = CatalogGrpc.newBlockingStub(channel);
        List<TableInfo> tables = catalog.listTables(ListTablesRequest.getDefaultInstance()).getTablesList();
        assertThat(tables).extracting(TableInfo::getName).containsExactlyInAnyOrderElementsOf(RestApiTest.CATALOG);
        TableInfo file = catalog.getTable(GetTableRequest.newBuilder().setName("file").build());
        assertThat(file.getRequiredColumnsList()).containsExactly("path", "directory");
        assertThat(file.getColumnsList()).anySatisfy(c -> {
            assertThat(c.getName()).isEqualTo("path");
            assertThat(c.getFlagsList()).contains("required", "index", "optimized");
        });
        assertThatThrownBy(() -> catalog.getTable(GetTableRequest.newBuilder().setName("nope").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> expect(e, Status.Code.NOT_FOUND, "unknown_table"));
    }

    @Test
    void unaryQuery() {
        long pid = ProcessHandle.current().pid();
        QueryResponse r = QueryGrpc.newBlockingStub(channel).query(QueryRequest.newBuilder()
                .setSql("SELECT pid, name, 2.5 AS x, NULL AS n, x'01' AS b FROM processes WHERE pid = " + pid).build());
        assertThat(r.getColumnsList()).extracting(c -> c.getName() + ":" + c.getType())
                .containsExactly("pid:BIGINT", "name:TEXT", "x:REAL", "n:NULL", "b:BLOB");
        assertThat(r.getRowsList()).singleElement().satisfies(row -> {
            assertThat(row.getValues(0).getIntegerValue()).isEqualTo(pid);
            assertThat(row.getValues(1).hasTextValue()).isTrue();
            assertThat(row.getValues(2).getRealValue()).isEqualTo(2.5);
            assertThat(row.getValues(3).getNullValue()).isTrue();
            assertThat(row.getValues(4).getBlobValue().toByteArray()).containsExactly(1);
        });
    }

    @Test
    void errorsMapToStatusCodes() {
        var query = QueryGrpc.newBlockingStub(channel);
        record Case(String sql, QueryLimits limits, Status.Code status, String code) {
        }
        List<Case> cases = List.of(
                new Case("SELEC 1", null, Status.Code.INVALID_ARGUMENT, "sql_syntax"),
                new Case("SELECT * FROM nope", null, Status.Code.NOT_FOUND, "unknown_table"),
                new Case("SELECT * FROM file", null, Status.Code.INVALID_ARGUMENT, "required_constraint"),
                new Case("DROP TABLE users", null, Status.Code.PERMISSION_DENIED, "read_only"),
                new Case("SELECT * FROM processes", QueryLimits.newBuilder().setMaxRows(1).build(), Status.Code.RESOURCE_EXHAUSTED,
                        "limit_exceeded"),
                new Case("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
                        QueryLimits.newBuilder().setTimeoutMs(100).build(), Status.Code.DEADLINE_EXCEEDED, "limit_exceeded"),
                new Case("", null, Status.Code.INVALID_ARGUMENT, "bad_request"));
        for (Case c : cases) {
            QueryRequest.Builder request = QueryRequest.newBuilder().setSql(c.sql());
            if (c.limits() != null) {
                request.setLimits(c.limits());
            }
            assertThatThrownBy(() -> query.query(request.build())).as(c.sql())
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> expect(e, c.status(), c.code()));
        }
    }

    @Test
    void streamingQuerySendsHeaderBatchesAndSummary() {
        Iterator<QueryStreamResponse> stream = QueryGrpc.newBlockingStub(channel).queryStream(QueryRequest.newBuilder()
                .setSql("SELECT value FROM json_each('[1,2,3,4,5]')").setBatchSize(2).build());
        List<QueryStreamResponse> parts = new ArrayList<>();
        stream.forEachRemaining(parts::add);
        assertThat(parts).extracting(QueryStreamResponse::getPartCase).containsExactly(QueryStreamResponse.PartCase.HEADER,
                QueryStreamResponse.PartCase.BATCH, QueryStreamResponse.PartCase.BATCH, QueryStreamResponse.PartCase.BATCH,
                QueryStreamResponse.PartCase.SUMMARY);
        assertThat(parts.get(0).getHeader().getColumns(0).getName()).isEqualTo("value");
        assertThat(parts.get(1).getBatch().getRowsCount()).isEqualTo(2);
        assertThat(parts.get(3).getBatch().getRows(0).getValues(0).getIntegerValue()).isEqualTo(5);
        assertThat(parts.get(4).getSummary().getRowCount()).isEqualTo(5);
        Iterator<QueryStreamResponse> failing = QueryGrpc.newBlockingStub(channel).queryStream(QueryRequest.newBuilder()
                .setSql("SELECT * FROM file").build());
        assertThatThrownBy(failing::next).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> expect(e, Status.Code.INVALID_ARGUMENT, "required_constraint"));
    }

    @Test
    void standardHealthAndReflection() throws Exception {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        services.complete(response.getListServicesResponse().getServiceList().stream()
                                .map(s -> s.getName()).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        assertThat(services.get(10, TimeUnit.SECONDS)).contains("hostquery.v1.Catalog", "hostquery.v1.Query");
        requests.onCompleted();
    }

    private static void expect(StatusRuntimeException e, Status.Code status, String code) {
        assertThat(e.getStatus().getCode()).isEqualTo(status);
        assertThat(e.getStatus().getDescription()).startsWith(code + ": ");
        assertThat(e.getTrailers().get(CODE)).isEqualTo(code);
    }
}
