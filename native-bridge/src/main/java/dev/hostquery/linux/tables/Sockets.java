package dev.hostquery.linux.tables;

import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import dev.hostquery.linux.NetAddresses;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Socket inventory for {@code process_open_sockets} and {@code listening_ports}: socket inodes from the
 * {@code socket:[inode]} links of /proc/<pid>/fd, and socket tables per network namespace from
 * /proc/<pid>/net/{tcp,tcp6,udp,udp6,unix} (proc(5)). One instance serves one scan and caches each
 * namespace's table.
 */
final class Sockets {
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    private static final int SO_ACCEPTCON = 0x10000;
    private static final String[] TCP_STATES = {"", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
        "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};

    /** One socket. Ports are null for Unix sockets; state is "" where the protocol has none. */
    record Entry(long inode, int family, int protocol, String localAddress, Long localPort, String remoteAddress,
            Long remotePort, String state, String path, boolean listening) {
    }

    private final HostRoot root;
    private final Map<String, Map<Long, Entry>> byNamespace = new HashMap<>();

    Sockets(HostRoot root) {
        this.root = root;
    }

    /** One socket a process holds: its descriptor and the network namespace it lives in. */
    record Owned(long pid, long fd, String netns, Entry socket) {
    }

    /**
     * Calls {@code consumer} for every socket the given processes hold (those whose descriptors are readable),
     * in pid and descriptor order, until it returns false.
     *
     * @throws dev.hostquery.api.QueryCancelledException once the query has ended
     */
    void forEachOwned(List<Long> pids, dev.hostquery.api.QueryContext context, java.util.function.Predicate<Owned> consumer) {
        for (long pid : pids) {
            context.checkCancelled(); // a consumer may skip most sockets (listening_ports): rows can be far apart
            Map<Long, Long> fds = socketDescriptors(pid);
            if (fds.isEmpty()) {
                continue;
            }
            String netns = Procs.bracketed(root.readLink("/proc/" + pid + "/ns/net").orElse(null));
            Map<Long, Entry> table = namespaceSockets(pid, netns);
            for (Map.Entry<Long, Long> fd : fds.entrySet()) {
                Entry socket = table.get(fd.getValue());
                if (socket != null && !consumer.test(new Owned(pid, fd.getKey(), netns, socket))) {
                    return;
                }
            }
        }
    }

    /** File descriptor to socket inode for every socket the process holds; empty when unreadable. */
    Map<Long, Long> socketDescriptors(long pid) {
        Map<Long, Long> result = new LinkedHashMap<>();
        String dir = "/proc/" + pid + "/fd";
        for (String fd : root.list(dir)) {
            String target = root.readLink(dir + "/" + fd).orElse(null);
            if (target != null && target.startsWith("socket:[")) {
                Long inode = Values.parseLong(Procs.bracketed(target));
                Long number = Values.parseLong(fd);
                if (inode != null && number != null) {
                    result.put(number, inode);
                }
            }
        }
        return result;
    }

    /** The sockets of the network namespace {@code pid} is in, by inode (read once per namespace). */
    Map<Long, Entry> namespaceSockets(long pid, String netns) {
        String key = netns == null ? "pid:" + pid : netns;
        return byNamespace.computeIfAbsent(key, k -> {
            Map<Long, Entry> sockets = new HashMap<>();
            String net = "/proc/" + pid + "/net/";
            add(sockets, parseInet(root.read(net + "tcp").orElse(""), AF_INET, IPPROTO_TCP));
            add(sockets, parseInet(root.read(net + "tcp6").orElse(""), AF_INET6, IPPROTO_TCP));
            add(sockets, parseInet(root.read(net + "udp").orElse(""), AF_INET, IPPROTO_UDP));
            add(sockets, parseInet(root.read(net + "udp6").orElse(""), AF_INET6, IPPROTO_UDP));
            add(sockets, parseUnix(root.read(net + "unix").orElse("")));
            return sockets;
        });
    }

    private static void add(Map<Long, Entry> sockets, List<Entry> entries) {
        for (Entry e : entries) {
            sockets.putIfAbsent(e.inode(), e);
        }
    }

    /** Parses /proc/net/tcp, tcp6, udp or udp6: "sl local rem st tx:rx tr:when retr uid timeout inode …". */
    static List<Entry> parseInet(String text, int family, int protocol) {
        List<Entry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = Values.fields(line);
            if (f.length < 10 || !f[0].endsWith(":")) {
                continue;
            }
            String[] local = f[1].split(":");
            String[] remote = f[2].split(":");
            Long inode = Values.parseLong(f[9]);
            Long st = Values.parseLong(f[3], 16);
            if (local.length != 2 || remote.length != 2 || inode == null || st == null) {
                continue;
            }
            Long remotePort = Values.parseLong(remote[1], 16);
            Long localPort = Values.parseLong(local[1], 16);
            String state = protocol == IPPROTO_TCP && st < TCP_STATES.length ? TCP_STATES[st.intValue()] : "";
            boolean listening = protocol == IPPROTO_TCP ? st == 10
                    : remotePort != null && remotePort == 0 && localPort != null && localPort != 0;
            entries.add(new Entry(inode, family, protocol, address(local[0]), localPort, address(remote[0]),
                    remotePort, state, null, listening));
        }
        return entries;
    }

    /** Parses /proc/net/unix: "Num RefCount Protocol Flags Type St Inode [Path]". */
    static List<Entry> parseUnix(String text) {
        List<Entry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = Values.fields(line);
            if (f.length < 7 || !f[0].endsWith(":")) {
                continue;
            }
            Long flags = Values.parseLong(f[3], 16);
            Long inode = Values.parseLong(f[6]);
            if (flags == null || inode == null) {
                continue;
            }
            String path = f.length > 7 ? f[7] : "";
            entries.add(new Entry(inode, AF_UNIX, 0, null, null, null, null, "", path,
                    (flags & SO_ACCEPTCON) != 0 && !path.isEmpty()));
        }
        return entries;
    }

    /**
     * Decodes a /proc/net address: 8 hex digits for IPv4, 32 for IPv6, each 32-bit word in host (little-endian)
     * byte order. IPv6 is printed in the compressed form of RFC 5952 ("::1").
     */
    static String address(String hex) {
        if (hex.length() != 8 && hex.length() != 32) {
            return null;
        }
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        if (bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        return NetAddresses.ipv6(bytes);
    }
}
