package dev.hostquery.linux.jna;

import com.sun.jna.Native;
import com.sun.jna.Structure;
import com.sun.jna.platform.linux.LibC;

/**
 * The C library calls hostquery needs beyond jna-platform's {@link LibC}: inotify(7), poll(2), and the socket
 * calls for netlink(7). Errors come back as -1 with errno in {@link Native#getLastError()}; {@link #describe}
 * turns errno into text.
 */
public interface LinuxLibC extends LibC {
    LinuxLibC INSTANCE = Native.load("c", LinuxLibC.class);

    // <sys/inotify.h>
    int IN_NONBLOCK = 04000;
    int IN_CLOEXEC = 02000000;
    int IN_ACCESS = 0x00000001;
    int IN_MODIFY = 0x00000002;
    int IN_ATTRIB = 0x00000004;
    int IN_CLOSE_WRITE = 0x00000008;
    int IN_MOVED_FROM = 0x00000040;
    int IN_MOVED_TO = 0x00000080;
    int IN_CREATE = 0x00000100;
    int IN_DELETE = 0x00000200;
    int IN_DELETE_SELF = 0x00000400;
    int IN_MOVE_SELF = 0x00000800;
    int IN_Q_OVERFLOW = 0x00004000;
    int IN_IGNORED = 0x00008000;
    int IN_ONLYDIR = 0x01000000;
    int IN_DONT_FOLLOW = 0x02000000;
    int IN_ISDIR = 0x40000000;

    // <poll.h>
    short POLLIN = 0x001;

    // <sys/socket.h>, <linux/netlink.h>
    int AF_NETLINK = 16;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 02000000;
    int SOL_SOCKET = 1;
    int SO_RCVBUF = 8;
    int SO_RCVBUFFORCE = 33;
    int NETLINK_CONNECTOR = 11;
    int MSG_DONTWAIT = 0x40;

    /** errno values used in messages and decisions. */
    int EINTR = 4;
    int EAGAIN = 11;
    int EACCES = 13;
    int ENOENT = 2;
    int ENOSPC = 28;
    int ENOBUFS = 105;
    int EPERM = 1;

    /** inotify_init1(2): a new inotify instance, or -1. */
    int inotify_init1(int flags);

    /** inotify_add_watch(2): a watch descriptor, or -1 (ENOSPC: max_user_watches reached). */
    int inotify_add_watch(int fd, String path, int mask);

    /** inotify_rm_watch(2). */
    int inotify_rm_watch(int fd, int wd);

    /** read(2) into a Java array; returns bytes read, or -1 (EAGAIN when nothing is ready on a non-blocking fd). */
    long read(int fd, byte[] buffer, long count);

    /** poll(2) on one descriptor: returns 1 when ready, 0 on timeout, -1 on error. */
    int poll(PollFd fds, int nfds, int timeoutMillis);

    /** socket(2). */
    int socket(int domain, int type, int protocol);

    /** bind(2) with a raw sockaddr. */
    int bind(int fd, byte[] address, int length);

    /** setsockopt(2) with an int value. */
    int setsockopt(int fd, int level, int option, int[] value, int length);

    /** send(2). */
    long send(int fd, byte[] buffer, long length, int flags);

    /** recv(2). */
    long recv(int fd, byte[] buffer, long length, int flags);

    /** strerror(3): the text of an errno value. */
    String strerror(int errno);

    /** "errno N (text)" for messages. */
    static String describe(int errno) {
        return INSTANCE.strerror(errno) + " (errno " + errno + ")";
    }

    /** struct pollfd. */
    @Structure.FieldOrder({"fd", "events", "revents"})
    final class PollFd extends Structure {
        public int fd;
        public short events;
        public short revents;

        public PollFd() {
        }

        public PollFd(int fd, short events) {
            this.fd = fd;
            this.events = events;
        }
    }
}
