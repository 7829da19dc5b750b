package dev.hostquery.query.grpc;

import dev.hostquery.api.ColumnSpec;
import dev.hostquery.api.TableSpec;
import dev.hostquery.grpc.v1.CatalogGrpc;
import dev.hostquery.grpc.v1.ColumnInfo;
import dev.hostquery.grpc.v1.GetTableRequest;
import dev.hostquery.grpc.v1.ListTablesRequest;
import dev.hostquery.grpc.v1.ListTablesResponse;
import dev.hostquery.grpc.v1.TableInfo;
import dev.hostquery.query.catalog.Catalog;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import java.util.Locale;

/** {@code hostquery.v1.Catalog}: the same catalog as {@code GET /v1/tables}. */
@GrpcService
public class CatalogService extends CatalogGrpc.CatalogImplBase {
    /** Looked up per call, so that creating the gRPC services at start does not build the catalog (see Startup). */
    @Inject
    jakarta.enterprise.inject.Instance<Catalog> catalog;

    @Override
    public void listTables(ListTablesRequest request, StreamObserver<ListTablesResponse> response) {
        ListTablesResponse.Builder builder = ListTablesResponse.newBuilder();
        var access = PrincipalInterceptor.principal().access();
        catalog.get().specs().forEach(spec -> builder.addTables(info(spec, access)));
        response.onNext(builder.build());
        response.onCompleted();
    }

    @Override
    public void getTable(GetTableRequest request, StreamObserver<TableInfo> response) {
        catalog.get().find(request.getName()).ifPresentOrElse(spec -> {
            response.onNext(info(spec, PrincipalInterceptor.principal().access()));
            response.onCompleted();
        }, () -> response.onError(GrpcErrors.error(Status.NOT_FOUND, "unknown_table", "no table named '"
                + request.getName() + "'; ListTables lists the tables")));
    }

    static TableInfo info(TableSpec spec, dev.hostquery.query.sqlite.Access access) {
        TableInfo.Builder b = TableInfo.newBuilder().setName(spec.name()).setDescription(spec.description())
                .setSensitivity(spec.sensitivity().name().toLowerCase(Locale.ROOT))
                .setSensitivityReason(spec.sensitivityReason() == null ? "" : spec.sensitivityReason())
                .setReadable(access.tableDenial(spec) == null)
                .setEvented(spec.evented()).addAllExamples(spec.examples()).addAllAliases(spec.aliases())
                .addAllRequiredColumns(spec.requiredColumns()).addAllPatternColumns(spec.patternColumns());
        for (ColumnSpec c : spec.columns()) {
            b.addColumns(ColumnInfo.newBuilder().setName(c.name()).setType(c.type().sqlName()).setDescription(c.description())
                    .addAllFlags(c.flags().stream().sorted().map(f -> f.name().toLowerCase(Locale.ROOT)).toList())
                    .setCollate(c.collate() == null ? "" : c.collate()));
        }
        return b.build();
    }
}
