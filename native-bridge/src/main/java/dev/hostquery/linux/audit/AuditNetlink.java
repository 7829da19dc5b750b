package dev.hostquery.linux.audit;

import com.sun.jna.Native;
import dev.hostquery.linux.jna.LinuxLibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A NETLINK_AUDIT socket (netlink(7), linux/audit.h): read and change the kernel's audit status, add, delete and
 * list syscall rules, and receive audit records once registered as the audit daemon. Needs CAP_AUDIT_CONTROL
 * (root). Owns its socket; {@link #close()} closes it once.
 */
public final class AuditNetlink implements AutoCloseable {
    static final int NETLINK_AUDIT = 9;
    static final int SOCK_RAW = 3;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 1;
    static final int NLM_F_ACK = 4;
    public static final int AUDIT_GET = 1000;
    public static final int AUDIT_SET = 1001;
    public static final int AUDIT_ADD_RULE = 1011;
    public static final int AUDIT_DEL_RULE = 1012;
    public static final int AUDIT_LIST_RULES = 1013;
    public static final int AUDIT_STATUS_ENABLED = 0x0001;
    public static final int AUDIT_STATUS_PID = 0x0004;
    public static final int AUDIT_STATUS_BACKLOG_LIMIT = 0x0010;
    public static final int AUDIT_STATUS_BACKLOG_WAIT_TIME = 0x0020;

    private static final LinuxLibC C = LinuxLibC.INSTANCE;
    private final byte[] buffer = new byte[64 * 1024];
    private int fd;
    private int seq;

    /** Opens and binds the socket. @throws IllegalStateException naming errno when that fails */
    public AuditNetlink() {
        fd = C.socket(LinuxLibC.AF_NETLINK, SOCK_RAW | LinuxLibC.SOCK_CLOEXEC, NETLINK_AUDIT);
        if (fd < 0) {
            throw new IllegalStateException("cannot open a netlink audit socket: " + LinuxLibC.describe(Native.getLastError()));
        }
        ByteBuffer address = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        address.putShort((short) LinuxLibC.AF_NETLINK).putShort((short) 0).putInt(0).putInt(0);
        if (C.bind(fd, address.array(), 12) != 0) {
            int errno = Native.getLastError();
            close();
            throw new IllegalStateException("cannot bind the netlink audit socket: " + LinuxLibC.describe(errno));
        }
        int[] size = {8 << 20};
        if (C.setsockopt(fd, LinuxLibC.SOL_SOCKET, LinuxLibC.SO_RCVBUFFORCE, size, 4) != 0) {
            C.setsockopt(fd, LinuxLibC.SOL_SOCKET, LinuxLibC.SO_RCVBUF, size, 4);
        }
    }

    public int fd() {
        return fd;
    }

    /** AUDIT_GET. */
    public AuditStatus status() {
        send(AUDIT_GET, NLM_F_REQUEST, new byte[0]);
        for (int attempt = 0; attempt < 100; attempt++) {
            Message m = receive(1_000);
            if (m == null) {
                break;
            }
            if (m.type() == AUDIT_GET) {
                ByteBuffer b = ByteBuffer.wrap(m.payload()).order(ByteOrder.nativeOrder());
                return new AuditStatus(b.getInt(4), b.getInt(8), b.getInt(12), b.getInt(16), b.getInt(20), b.getInt(24),
                        b.getInt(28), m.payload().length >= 40 ? b.getInt(36) : 0);
            }
            if (m.type() == NLMSG_ERROR && error(m) != 0) {
                throw new IllegalStateException("AUDIT_GET failed: " + LinuxLibC.describe(-error(m)));
            }
        }
        throw new IllegalStateException("the kernel did not answer AUDIT_GET");
    }

    /**
     * AUDIT_SET with the fields named by {@code mask}; waits for the kernel's acknowledgement.
     *
     * @throws IllegalStateException with errno (EPERM without CAP_AUDIT_CONTROL, EEXIST when another daemon is set)
     */
    public void set(int mask, int enabled, int pid, int backlogLimit, int backlogWaitTime) {
        ByteBuffer s = ByteBuffer.allocate(44).order(ByteOrder.nativeOrder());
        s.putInt(0, mask).putInt(4, enabled).putInt(12, pid).putInt(20, backlogLimit).putInt(36, backlogWaitTime);
        request(AUDIT_SET, s.array(), "AUDIT_SET");
    }

    public void addRule(AuditRule rule) {
        request(AUDIT_ADD_RULE, rule.encode(), "AUDIT_ADD_RULE");
    }

    public void deleteRule(AuditRule rule) {
        deleteRule(rule.encode());
    }

    /** Deletes a rule given as the kernel listed it. */
    public void deleteRule(byte[] rule) {
        request(AUDIT_DEL_RULE, rule, "AUDIT_DEL_RULE");
    }

    /** The rules the kernel has, as raw audit_rule_data structs. */
    public List<byte[]> listRules() {
        send(AUDIT_LIST_RULES, NLM_F_REQUEST | NLM_F_ACK, new byte[0]);
        List<byte[]> rules = new ArrayList<>();
        while (true) {
            Message m = receive(2_000);
            if (m == null || m.type() == NLMSG_DONE) {
                return rules;
            }
            if (m.type() == NLMSG_ERROR && error(m) != 0) {
                throw new IllegalStateException("AUDIT_LIST_RULES failed: " + LinuxLibC.describe(-error(m)));
            }
            if (m.type() == AUDIT_LIST_RULES) {
                rules.add(m.payload());
            }
        }
    }

    /** One netlink message: its type and payload. */
    public record Message(int type, byte[] payload) {
        public String text() {
            int end = payload.length;
            while (end > 0 && payload[end - 1] == 0) {
                end--;
            }
            return new String(payload, 0, end, StandardCharsets.UTF_8);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for the next message; null on timeout. An overrun of the receive buffer
     * (ENOBUFS) comes back as a message of type -1.
     */
    public Message receive(int timeoutMillis) {
        LinuxLibC.PollFd pfd = new LinuxLibC.PollFd(fd, LinuxLibC.POLLIN);
        if (C.poll(pfd, 1, timeoutMillis) <= 0) {
            return null;
        }
        long n = C.recv(fd, buffer, buffer.length, LinuxLibC.MSG_DONTWAIT);
        if (n < 0) {
            int errno = Native.getLastError();
            return errno == LinuxLibC.ENOBUFS ? new Message(-1, new byte[0]) : null;
        }
        if (n < 16) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, (int) n).order(ByteOrder.nativeOrder());
        // one message per datagram; audit records' nlmsg_len undercounts their text, so trust the datagram's size
        int length = (int) n;
        int type = b.getShort(4) & 0xffff;
        byte[] payload = new byte[Math.max(0, length - 16)];
        System.arraycopy(buffer, 16, payload, 0, payload.length);
        return new Message(type, payload);
    }

    private void request(int type, byte[] payload, String name) {
        send(type, NLM_F_REQUEST | NLM_F_ACK, payload);
        for (int attempt = 0; attempt < 1000; attempt++) {
            Message m = receive(2_000);
            if (m == null) {
                throw new IllegalStateException("the kernel did not acknowledge " + name);
            }
            if (m.type() == NLMSG_ERROR) {
                int error = error(m);
                if (error != 0) {
                    throw new IllegalStateException(name + " failed: " + LinuxLibC.describe(-error));
                }
                return;
            }
        }
        throw new IllegalStateException("no acknowledgement of " + name + " among the records received");
    }

    private static int error(Message m) {
        return ByteBuffer.wrap(m.payload()).order(ByteOrder.nativeOrder()).getInt(0);
    }

    private void send(int type, int flags, byte[] payload) {
        int length = 16 + payload.length;
        ByteBuffer m = ByteBuffer.allocate((length + 3) & ~3).order(ByteOrder.nativeOrder());
        m.putInt(length).putShort((short) type).putShort((short) flags).putInt(++seq).putInt(0).put(payload);
        if (C.send(fd, m.array(), m.capacity(), 0) < 0) {
            throw new IllegalStateException("cannot send audit request " + type + ": " + LinuxLibC.describe(Native.getLastError()));
        }
    }

    @Override
    public void close() {
        if (fd >= 0) {
            C.close(fd);
            fd = -1;
        }
    }
}
