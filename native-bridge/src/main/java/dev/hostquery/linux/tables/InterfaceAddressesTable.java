package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.NetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.util.Collections;

/**
 * {@code interface_addresses}: IP addresses of the network interfaces, from the kernel through java.net.NetworkInterface (getifaddrs(3)); the network namespace is that of the hostquery process.
 */
public final class InterfaceAddressesTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("interface_addresses")
            .description("IP addresses of the network interfaces, from the kernel through java.net.NetworkInterface (getifaddrs(3)); the network namespace is that of the hostquery process.")
            .column("interface", ColumnType.TEXT, "Network interface name")
            .column("address", ColumnType.TEXT, "IP address; IPv6 link-local addresses carry %interface")
            .column("mask", ColumnType.TEXT, "Network mask (dotted for IPv4, colon hex for IPv6)")
            .column("broadcast", ColumnType.TEXT, "Broadcast address, or empty")
            .column("point_to_point", ColumnType.TEXT, "Peer address of a point-to-point link, or empty")
            .column("type", ColumnType.TEXT, "Always unknown: Linux does not say how an address was configured")
            .example("SELECT interface, address FROM interface_addresses WHERE address NOT LIKE '127.%'")
            .build();

    public InterfaceAddressesTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InterfaceAddress a : nif.getInterfaceAddresses()) {
                InetAddress ip = a.getAddress();
                boolean v4 = ip instanceof Inet4Address;
                String text = v4 ? ip.getHostAddress() : NetAddresses.ipv6(ip.getAddress())
                        + (ip.isLinkLocalAddress() ? "%" + nif.getName() : "");
                row.set("interface", nif.getName()).set("address", text).set("mask", mask(a.getNetworkPrefixLength(), v4))
                        .set("broadcast", a.getBroadcast() == null ? "" : a.getBroadcast().getHostAddress())
                        .set("point_to_point", "").set("type", "unknown");
                if (!row.emit(sink)) {
                    return;
                }
            }
        }
    }

    /** The mask of a prefix length: "255.255.255.0" for 24 bits of IPv4, "ffff:ffff:ffff:ffff::" for 64 of IPv6. */
    static String mask(int prefix, boolean v4) {
        byte[] bytes = new byte[v4 ? 4 : 16];
        for (int i = 0; i < prefix && i < bytes.length * 8; i++) {
            bytes[i / 8] |= (byte) (0x80 >> (i % 8));
        }
        if (v4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        return NetAddresses.ipv6(bytes);
    }
}
