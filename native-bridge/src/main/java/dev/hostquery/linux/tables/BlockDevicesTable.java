package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import java.util.Map;
import java.util.HashMap;

/**
 * {@code block_devices}: Block devices and their partitions, from /sys/block, with file system type, UUID and label from the udev database (/run/udev/data).
 */
public final class BlockDevicesTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("block_devices")
            .description("Block devices and their partitions, from /sys/block, with file system type, UUID and label from the udev database (/run/udev/data).")
            .column("name", ColumnType.TEXT, "Device node, e.g. /dev/sda1", ColumnFlag.INDEX)
            .column("parent", ColumnType.TEXT, "Parent device node for a partition, else empty")
            .column("vendor", ColumnType.TEXT, "Vendor (device/vendor)")
            .column("model", ColumnType.TEXT, "Model (device/model)")
            .column("serial", ColumnType.TEXT, "Serial (device/serial or udev ID_SERIAL_SHORT)")
            .column("size", ColumnType.BIGINT, "Size in blocks of block_size bytes")
            .column("block_size", ColumnType.INTEGER, "Logical block size, bytes")
            .column("uuid", ColumnType.TEXT, "NOCASE", "File system UUID (udev ID_FS_UUID)")
            .column("type", ColumnType.TEXT, "File system type (udev ID_FS_TYPE)")
            .column("label", ColumnType.TEXT, "File system label (udev ID_FS_LABEL)")
            .example("SELECT name, size * block_size AS bytes FROM block_devices WHERE parent = ''")
            .build();

    public BlockDevicesTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (String disk : root.list("/sys/block").stream().sorted().toList()) {
            String base = "/sys/block/" + disk;
            Long blockSize = Values.parseLong(root.value(base + "/queue/logical_block_size").orElse(null));
            if (!emit(row, sink, base, disk, "", blockSize)) {
                return;
            }
            for (String part : root.list(base).stream().sorted().toList()) {
                if (part.startsWith(disk) && root.value(base + "/" + part + "/partition").isPresent()
                        && !emit(row, sink, base + "/" + part, part, "/dev/" + disk, blockSize)) {
                    return;
                }
            }
        }
    }

    private boolean emit(RowBuilder row, RowSink sink, String dir, String name, String parent, Long blockSize) {
        Map<String, String> udev = root.value(dir + "/dev").map(dev -> parseUdev(root.read("/run/udev/data/b" + dev).orElse("")))
                .orElse(Map.of());
        String device = parent.isEmpty() ? dir : "/sys/block/" + parent.substring(5);
        Long sectors = Values.parseLong(root.value(dir + "/size").orElse(null));
        row.set("name", "/dev/" + name).set("parent", parent)
                .set("vendor", root.value(device + "/device/vendor").orElse(udev.get("ID_VENDOR")))
                .set("model", root.value(device + "/device/model").orElse(udev.get("ID_MODEL")))
                .set("serial", root.value(device + "/device/serial").orElse(udev.get("ID_SERIAL_SHORT")))
                .set("size", sectors == null || blockSize == null || blockSize == 0 ? null : sectors * 512 / blockSize)
                .set("block_size", blockSize).set("uuid", udev.get("ID_FS_UUID")).set("type", udev.get("ID_FS_TYPE"))
                .set("label", udev.get("ID_FS_LABEL"));
        return row.emit(sink);
    }

    /** The "E:KEY=value" properties of a udev database file (/run/udev/data/b<major>:<minor>). */
    static Map<String, String> parseUdev(String text) {
        Map<String, String> map = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (line.startsWith("E:") && eq > 2) {
                map.put(line.substring(2, eq), line.substring(eq + 1));
            }
        }
        return map;
    }
}
