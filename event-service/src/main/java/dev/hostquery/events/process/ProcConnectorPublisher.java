package dev.hostquery.events.process;

import com.sun.jna.Native;
import dev.hostquery.events.framework.EventPublisher;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.jna.LinuxLibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Exec events from the netlink process connector (NETLINK_CONNECTOR, CN_IDX_PROC; linux/cn_proc.h), each
 * enriched from /proc/&lt;pid&gt; as soon as it is read. Needs CAP_NET_ADMIN (root). The receive buffer is raised
 * to 8 MiB (SO_RCVBUFFORCE) so bursts of short-lived processes fit; an overrun (ENOBUFS) is counted as dropped.
 */
public final class ProcConnectorPublisher extends EventPublisher<ProcessExec> {
    private static final LinuxLibC C = LinuxLibC.INSTANCE;
    private static final int CN_IDX_PROC = 1;
    private static final int CN_VAL_PROC = 1;
    private static final int PROC_CN_MCAST_LISTEN = 1;
    private static final int PROC_CN_MCAST_IGNORE = 2;
    private static final int NLMSG_DONE = 3;
    static final int PROC_EVENT_EXEC = 0x00000002;
    /** nlmsghdr (16) + cn_msg (20): where struct proc_event starts. */
    static final int EVENT_OFFSET = 36;

    private final HostRoot root;
    private final byte[] buffer = new byte[64 * 1024];
    private int fd = -1;

    public ProcConnectorPublisher(HostRoot root) {
        super("proc_connector");
        this.root = root;
    }

    @Override
    protected void open() {
        fd = C.socket(LinuxLibC.AF_NETLINK, LinuxLibC.SOCK_DGRAM | LinuxLibC.SOCK_CLOEXEC, LinuxLibC.NETLINK_CONNECTOR);
        if (fd < 0) {
            throw new IllegalStateException("cannot open a netlink connector socket: " + LinuxLibC.describe(Native.getLastError()));
        }
        int[] size = {8 << 20};
        if (C.setsockopt(fd, LinuxLibC.SOL_SOCKET, LinuxLibC.SO_RCVBUFFORCE, size, 4) != 0) {
            C.setsockopt(fd, LinuxLibC.SOL_SOCKET, LinuxLibC.SO_RCVBUF, size, 4);
        }
        ByteBuffer address = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        address.putShort((short) LinuxLibC.AF_NETLINK).putShort((short) 0).putInt(0).putInt(CN_IDX_PROC);
        if (C.bind(fd, address.array(), 12) != 0) {
            int errno = Native.getLastError();
            closeSource();
            throw new IllegalStateException("cannot bind to the process connector (needs root or CAP_NET_ADMIN): "
                    + LinuxLibC.describe(errno));
        }
        if (!control(PROC_CN_MCAST_LISTEN)) {
            int errno = Native.getLastError();
            closeSource();
            throw new IllegalStateException("cannot subscribe to process events: " + LinuxLibC.describe(errno));
        }
    }

    /** Sends PROC_CN_MCAST_LISTEN or _IGNORE: nlmsghdr, cn_msg, then the 4-byte operation. */
    private boolean control(int operation) {
        ByteBuffer m = ByteBuffer.allocate(40).order(ByteOrder.nativeOrder());
        m.putInt(40).putShort((short) NLMSG_DONE).putShort((short) 0).putInt(0).putInt(0);
        m.putInt(CN_IDX_PROC).putInt(CN_VAL_PROC).putInt(0).putInt(0).putShort((short) 4).putShort((short) 0);
        m.putInt(operation);
        return C.send(fd, m.array(), 40, 0) == 40;
    }

    @Override
    protected void poll() {
        LinuxLibC.PollFd pfd = new LinuxLibC.PollFd(fd, LinuxLibC.POLLIN);
        if (C.poll(pfd, 1, 500) <= 0) {
            return;
        }
        List<ProcessExec> batch = new ArrayList<>();
        while (!stopping()) {
            long n = C.recv(fd, buffer, buffer.length, LinuxLibC.MSG_DONTWAIT);
            if (n < 0) {
                int errno = Native.getLastError();
                if (errno == LinuxLibC.ENOBUFS) {
                    countDropped(1); // the kernel dropped an unknown number of events
                    continue;
                }
                break; // EAGAIN: drained
            }
            Long pid = parseExec(ByteBuffer.wrap(buffer, 0, (int) n).order(ByteOrder.nativeOrder()), (int) n);
            if (pid != null) {
                long uptime = ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder()).getLong(EVENT_OFFSET + 8) / 1_000_000_000L;
                batch.add(new ProcessExec(pid, uptime, ProcessSnapshot.read(root, pid)));
            }
            if (batch.size() >= 256) {
                publish(batch);
                batch = new ArrayList<>();
            }
        }
        publish(batch);
    }

    /**
     * The pid of an exec event (struct proc_event: what, cpu, timestamp_ns, then for exec process_pid and
     * process_tgid); null for other events and for threads other than the group leader.
     */
    static Long parseExec(ByteBuffer message, int length) {
        if (length < EVENT_OFFSET + 24 || message.getInt(EVENT_OFFSET) != PROC_EVENT_EXEC) {
            return null;
        }
        int pid = message.getInt(EVENT_OFFSET + 16);
        int tgid = message.getInt(EVENT_OFFSET + 20);
        return pid == tgid ? (long) tgid : null;
    }

    @Override
    protected void closeSource() {
        if (fd >= 0) {
            control(PROC_CN_MCAST_IGNORE);
            C.close(fd);
            fd = -1;
        }
    }
}
