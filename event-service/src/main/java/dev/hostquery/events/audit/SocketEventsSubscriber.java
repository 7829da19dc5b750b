package dev.hostquery.events.audit;

import dev.hostquery.api.RowBuilder;
import dev.hostquery.events.framework.EventSubscriber;
import dev.hostquery.events.store.EventStore;
import dev.hostquery.events.tables.EventTableSpecs;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rows of {@code socket_events} from audited connect, bind and accept calls. The address comes from the SOCKADDR
 * record; a bind is remembered per process and descriptor, so that a later connect or accept on that descriptor
 * carries the bound local address and port too (osquery leaves them zero).
 */
public final class SocketEventsSubscriber extends EventSubscriber<AuditEvent> {
    private static final int REMEMBERED = 16_384;
    private static final long EINPROGRESS = -115;
    private static final long EAGAIN = -11;

    /** An address from a sockaddr: family, text and port (null for Unix sockets). */
    record Address(long family, String address, Long port) {
    }

    private final Syscalls syscalls = Syscalls.nativeTable();
    private final RowBuilder row = new RowBuilder(EventTableSpecs.SOCKET_EVENTS);
    private final Map<String, Address> bound = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Address> eldest) {
            return size() > REMEMBERED;
        }
    };

    public SocketEventsSubscriber(EventStore store) {
        super("socket_events", EventTableSpecs.SOCKET_EVENTS, store);
    }

    @Override
    protected synchronized Object[] toRow(AuditEvent e) {
        String action = syscalls.socketAction(e.syscallNumber());
        if (action == null) {
            return null;
        }
        Long pid = e.number("pid");
        Long fd = e.syscall().get("a0") == null ? null : Long.parseUnsignedLong(e.syscall().get("a0"), 16);
        Address address = e.sockaddr() == null ? null : parseSockaddr(e.sockaddr());
        boolean success = "yes".equals(e.syscall().get("success"));
        Long exit = e.number("exit");
        String key = pid + ":" + fd;
        Address local = action.equals("bind") ? address : bound.get(key);
        Address remote = action.equals("bind") ? null : address;
        if (action.equals("bind") && success && address != null) {
            bound.put(key, address);
        }
        Address any = address != null ? address : local;
        Long auid = e.number("auid");
        String status = success ? "succeeded" : exit != null && exit == EINPROGRESS ? "in_progress"
                : exit != null && exit == EAGAIN && action.equals("accept") ? "no_client" : "failed";
        return row.set("action", action).set("pid", pid).set("path", e.syscall().get("exe"))
                .set("fd", fd == null ? null : fd.toString()).set("auid", auid == null || auid == 4294967295L ? null : auid)
                .set("family", any == null ? null : any.family())
                .set("local_address", local == null ? null : local.address()).set("local_port", local == null ? null : local.port())
                .set("remote_address", remote == null ? null : remote.address())
                .set("remote_port", remote == null ? null : remote.port())
                .set("success", success ? 1 : 0).set("status", status).build();
    }

    /** Decodes the hex of a struct sockaddr: sa_family (host order), then sockaddr_in, sockaddr_in6 or sockaddr_un. */
    static Address parseSockaddr(String hex) {
        byte[] b;
        try {
            b = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (b.length < 2) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(b);
        int family = buffer.order(ByteOrder.nativeOrder()).getShort(0) & 0xffff;
        try {
            return switch (family) {
                case 2 -> b.length < 8 ? null : new Address(2, InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 4, 8))
                        .getHostAddress(), (long) (buffer.order(ByteOrder.BIG_ENDIAN).getShort(2) & 0xffff));
                case 10 -> b.length < 24 ? null : new Address(10, dev.hostquery.linux.NetAddresses.ipv6(
                        java.util.Arrays.copyOfRange(b, 8, 24)), (long) (buffer.order(ByteOrder.BIG_ENDIAN).getShort(2) & 0xffff));
                case 1 -> {
                    int end = 2;
                    while (end < b.length && b[end] != 0) {
                        end++;
                    }
                    yield new Address(1, new String(b, 2, end - 2, StandardCharsets.UTF_8), null);
                }
                default -> new Address(family, null, null);
            };
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
