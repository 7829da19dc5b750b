package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kernel_info}: The running kernel: release from /proc/sys/kernel/osrelease, boot arguments, image and root device from /proc/cmdline.
 */
public final class KernelInfoTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("kernel_info")
            .description("The running kernel: release from /proc/sys/kernel/osrelease, boot arguments, image and root device from /proc/cmdline.")
            .column("version", ColumnType.TEXT, "VERSION", "Kernel release (uname -r)")
            .column("arguments", ColumnType.TEXT, "Kernel command line without BOOT_IMAGE")
            .column("path", ColumnType.TEXT, "Kernel image (BOOT_IMAGE), or empty")
            .column("device", ColumnType.TEXT, "Root device (root=), or empty")
            .example("SELECT version, arguments FROM kernel_info")
            .build();

    public KernelInfoTable(HostRoot root) {
        super(root, SPEC, false);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        String cmdline = root.value("/proc/cmdline").orElse("");
        String image = "";
        String device = "";
        List<String> arguments = new ArrayList<>();
        for (String token : Values.fields(cmdline)) {
            if (token.startsWith("BOOT_IMAGE=")) {
                image = token.substring(11);
            } else {
                if (token.startsWith("root=")) {
                    device = token.substring(5);
                }
                arguments.add(token);
            }
        }
        new RowBuilder(SPEC).set("version", root.value("/proc/sys/kernel/osrelease").orElse(null))
                .set("arguments", String.join(" ", arguments)).set("path", image).set("device", device).emit(sink);
    }

}
