package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;

/**
 * {@code interface_details}: Network interfaces with their link-layer settings and counters, from /sys/class/net/<interface> (sysfs-class-net).
 */
public final class InterfaceDetailsTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("interface_details")
            .description("Network interfaces with their link-layer settings and counters, from /sys/class/net/<interface> (sysfs-class-net).")
            .column("interface", ColumnType.TEXT, "Network interface name")
            .column("mac", ColumnType.TEXT, "NOCASE", "Hardware address")
            .column("type", ColumnType.INTEGER, "ARPHRD_* link type (1 Ethernet, 772 loopback)")
            .column("mtu", ColumnType.INTEGER, "Maximum transmission unit, bytes")
            .column("metric", ColumnType.INTEGER, "Always 0 on Linux")
            .column("flags", ColumnType.INTEGER, "IFF_* flags (netdevice(7))")
            .column("ipackets", ColumnType.BIGINT, "Packets received")
            .column("opackets", ColumnType.BIGINT, "Packets sent")
            .column("ibytes", ColumnType.BIGINT, "Bytes received")
            .column("obytes", ColumnType.BIGINT, "Bytes sent")
            .column("ierrors", ColumnType.BIGINT, "Receive errors")
            .column("oerrors", ColumnType.BIGINT, "Transmit errors")
            .column("idrops", ColumnType.BIGINT, "Received packets dropped")
            .column("odrops", ColumnType.BIGINT, "Sent packets dropped")
            .column("collisions", ColumnType.BIGINT, "Collisions")
            .column("last_change", ColumnType.BIGINT, "Not available on Linux: NULL")
            .column("link_speed", ColumnType.BIGINT, "Link speed, Mb/s; NULL when the driver does not report one")
            .column("pci_slot", ColumnType.TEXT, "PCI address of the device, or NULL")
            .example("SELECT interface, mac, ibytes, obytes FROM interface_details")
            .build();

    public InterfaceDetailsTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (String name : root.list("/sys/class/net").stream().sorted().toList()) {
            String base = "/sys/class/net/" + name + "/";
            Long speed = Values.parseLong(root.value(base + "speed").orElse(null));
            String device = root.readLink(base + "device").orElse(null);
            row.set("interface", name).set("mac", root.value(base + "address").orElse(null))
                    .set("type", Values.parseLong(root.value(base + "type").orElse(null)))
                    .set("mtu", Values.parseLong(root.value(base + "mtu").orElse(null))).set("metric", 0)
                    .set("flags", Values.parseLong(root.value(base + "flags").map(f -> f.replace("0x", "")).orElse(null), 16))
                    .set("ipackets", stat(base, "rx_packets")).set("opackets", stat(base, "tx_packets"))
                    .set("ibytes", stat(base, "rx_bytes")).set("obytes", stat(base, "tx_bytes"))
                    .set("ierrors", stat(base, "rx_errors")).set("oerrors", stat(base, "tx_errors"))
                    .set("idrops", stat(base, "rx_dropped")).set("odrops", stat(base, "tx_dropped"))
                    .set("collisions", stat(base, "collisions")).set("last_change", null)
                    .set("link_speed", speed == null || speed < 0 ? null : speed)
                    .set("pci_slot", device != null && device.contains("pci") ? device.substring(device.lastIndexOf('/') + 1) : null);
            if (!row.emit(sink)) {
                return;
            }
        }
    }

    private Long stat(String base, String counter) {
        return Values.parseLong(root.value(base + "statistics/" + counter).orElse(null));
    }
}
