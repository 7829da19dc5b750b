package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import dev.hostquery.linux.NetAddresses;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code routes}: The main routing table, IPv4 from /proc/net/route and IPv6 from /proc/net/ipv6_route.
 */
public final class RoutesTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("routes")
            .description("The main routing table, IPv4 from /proc/net/route and IPv6 from /proc/net/ipv6_route.")
            .column("destination", ColumnType.TEXT, "Destination network")
            .column("netmask", ColumnType.INTEGER, "Prefix length of the destination, bits")
            .column("gateway", ColumnType.TEXT, "Gateway address, or the unspecified address")
            .column("source", ColumnType.TEXT, "Preferred source address (IPv6 source prefix), or empty")
            .column("flags", ColumnType.INTEGER, "RTF_* flags (route(8))")
            .column("interface", ColumnType.TEXT, "Outgoing interface")
            .column("mtu", ColumnType.INTEGER, "Route MTU, 0 when unset")
            .column("metric", ColumnType.INTEGER, "Route metric")
            .column("type", ColumnType.TEXT, "gateway for routes through a gateway, else local", ColumnFlag.ADDITIONAL)
            .column("hopcount", ColumnType.INTEGER, "Not available: 0")
            .example("SELECT gateway, interface FROM routes WHERE destination = '0.0.0.0'")
            .build();

    public RoutesTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        List<Object[]> routes = new ArrayList<>(parseRoute(root.read("/proc/net/route").orElse("")));
        routes.addAll(parseIpv6Route(root.read("/proc/net/ipv6_route").orElse("")));
        String[] names = {"destination", "netmask", "gateway", "source", "flags", "interface", "mtu", "metric", "type", "hopcount"};
        for (Object[] route : routes) {
            for (int i = 0; i < names.length; i++) {
                row.set(names[i], route[i]);
            }
            if (!row.emit(sink)) {
                return;
            }
        }
    }

    private static final int RTF_GATEWAY = 0x2;

    /** /proc/net/route: "Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT", IPv4 in little-endian hex. */
    static List<Object[]> parseRoute(String text) {
        List<Object[]> routes = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = Values.fields(line);
            if (f.length < 11 || f[0].equals("Iface")) {
                continue;
            }
            Long flags = Values.parseLong(f[3], 16);
            Long mask = Values.parseLong(f[7], 16);
            routes.add(new Object[] {Sockets.address(f[1]), mask == null ? null : (long) Long.bitCount(mask),
                Sockets.address(f[2]), "", flags, f[0], Values.parseLong(f[8]), Values.parseLong(f[6]),
                flags != null && (flags & RTF_GATEWAY) != 0 ? "gateway" : "local", 0L});
        }
        return routes;
    }

    /** /proc/net/ipv6_route: "dest plen src plen gateway metric refcnt use flags iface", addresses in network-order hex. */
    static List<Object[]> parseIpv6Route(String text) {
        List<Object[]> routes = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = Values.fields(line);
            if (f.length < 10) {
                continue;
            }
            Long flags = Values.parseLong(f[8], 16);
            routes.add(new Object[] {ipv6(f[0]), Values.parseLong(f[1], 16), ipv6(f[4]),
                Values.parseLong(f[3], 16) == 0 ? "" : ipv6(f[2]), flags, f[9], 0L, Values.parseLong(f[5], 16),
                flags != null && (flags & RTF_GATEWAY) != 0 ? "gateway" : "local", 0L});
        }
        return routes;
    }

    private static String ipv6(String hex) {
        if (hex.length() != 32) {
            return null;
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < 16; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return NetAddresses.ipv6(bytes);
    }
}
