package dev.hostquery.events.audit;

/** Syscall numbers audit rules need, per architecture (asm/unistd.h of x86-64 and of the generic table for arm64). */
final class Syscalls {
    final int execve;
    final int execveat;
    final int connect;
    final int bind;
    final int accept;
    final int accept4;

    private Syscalls(int execve, int execveat, int connect, int bind, int accept, int accept4) {
        this.execve = execve;
        this.execveat = execveat;
        this.connect = connect;
        this.bind = bind;
        this.accept = accept;
        this.accept4 = accept4;
    }

    boolean isExec(int syscall) {
        return syscall == execve || syscall == execveat;
    }

    /** connect, bind or accept for a socket syscall; null for others. */
    String socketAction(int syscall) {
        if (syscall == connect) {
            return "connect";
        }
        if (syscall == bind) {
            return "bind";
        }
        return syscall == accept || syscall == accept4 ? "accept" : null;
    }

    /** The numbers of this JVM's architecture. */
    static Syscalls nativeTable() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> new Syscalls(59, 322, 42, 49, 43, 288);
            case "aarch64" -> new Syscalls(221, 281, 203, 200, 202, 242);
            default -> throw new IllegalStateException("no syscall table for " + System.getProperty("os.arch"));
        };
    }
}
