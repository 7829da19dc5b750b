package dev.hostquery.events.audit;

import dev.hostquery.events.framework.EventPublisher;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.audit.AuditNetlink;
import dev.hostquery.linux.audit.AuditRecords;
import dev.hostquery.linux.audit.AuditRule;
import dev.hostquery.linux.audit.AuditStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Syscall events from Linux audit, as the audit daemon: execve and execveat for {@code process_events}, and connect,
 * bind and accept for {@code socket_events}. Off by default: audit is system-wide and exclusive.
 *
 * <p>It refuses to start when another live process is registered as the audit daemon. Starting, it saves the
 * kernel's audit state to {@code stateFile}, then enables audit, registers itself, raises the backlog limit to at
 * least {@value #BACKLOG_LIMIT} and sets the backlog wait time to 0, so that a reader that falls behind makes the
 * kernel drop and count records instead of stalling every process on the host; then it adds its rules, keyed
 * {@value #KEY}. Stopping, it removes its rules and restores the saved state. After a crash the state file is still
 * there, and the next start first removes every rule keyed {@value #KEY} and restores that state.
 */
public final class AuditPublisher extends EventPublisher<AuditEvent> {
    public static final String KEY = "hostquery";
    static final int BACKLOG_LIMIT = 8192;
    private static final int AUDIT_SYSCALL = 1300;
    private static final int AUDIT_PATH = 1302;
    private static final int AUDIT_SOCKADDR = 1306;
    private static final int AUDIT_CWD = 1307;
    private static final int AUDIT_EXECVE = 1309;
    private static final int AUDIT_EOE = 1320;

    private final HostRoot root;
    private final Path stateFile;
    private final boolean processes;
    private final boolean sockets;
    private final Syscalls syscalls = Syscalls.nativeTable();
    private final Map<Long, Partial> pending = new LinkedHashMap<>();
    private AuditNetlink netlink;
    private AuditRule rule;
    private AuditStatus saved;

    /** Records of one serial collected so far. */
    private static final class Partial {
        final long timeMicros;
        final long arrived = System.nanoTime();
        Map<String, String> syscall = Map.of();
        Map<String, String> execve = new HashMap<>();
        String cwd;
        String sockaddr;
        final List<Map<String, String>> paths = new ArrayList<>();

        Partial(long timeMicros) {
            this.timeMicros = timeMicros;
        }
    }

    /**
     * @param stateFile where the kernel's previous audit state is kept while the publisher runs
     * @param processes audit execve and execveat
     * @param sockets   audit connect, bind, accept and accept4
     */
    public AuditPublisher(HostRoot root, Path stateFile, boolean processes, boolean sockets) {
        super("audit");
        this.root = root;
        this.stateFile = stateFile;
        this.processes = processes;
        this.sockets = sockets;
    }

    @Override
    protected void open() {
        netlink = new AuditNetlink();
        try {
            if (Files.exists(stateFile)) {
                recover();
            }
            AuditStatus status = netlink.status();
            long self = ProcessHandle.current().pid();
            if (status.pid() != 0 && status.pid() != self && Files.exists(root.resolve("/proc/" + status.pid()))) {
                String comm = root.value("/proc/" + status.pid() + "/comm").orElse("?");
                throw new IllegalStateException("another audit daemon (pid " + status.pid() + ", " + comm
                        + ") owns the audit socket; the audit backend does not start while it runs");
            }
            saved = status;
            saveState(status);
            netlink.set(AuditNetlink.AUDIT_STATUS_ENABLED | AuditNetlink.AUDIT_STATUS_PID | AuditNetlink.AUDIT_STATUS_BACKLOG_LIMIT
                    | AuditNetlink.AUDIT_STATUS_BACKLOG_WAIT_TIME, status.enabled() == 2 ? 2 : 1, (int) self,
                    Math.max(status.backlogLimit(), BACKLOG_LIMIT), 0);
            List<Integer> calls = new ArrayList<>();
            if (processes) {
                calls.addAll(List.of(syscalls.execve, syscalls.execveat));
            }
            if (sockets) {
                calls.addAll(List.of(syscalls.connect, syscalls.bind, syscalls.accept, syscalls.accept4));
            }
            rule = new AuditRule(calls.stream().mapToInt(Integer::intValue).toArray(), KEY);
            netlink.addRule(rule);
        } catch (RuntimeException e) {
            restore();
            netlink.close();
            netlink = null;
            throw e;
        }
    }

    /** A previous run died without cleaning up: remove its rules and put back the state it saved. */
    private void recover() {
        for (byte[] listed : netlink.listRules()) {
            if (KEY.equals(AuditRule.keyOf(listed))) {
                netlink.deleteRule(listed);
            }
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(stateFile)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the saved audit state " + stateFile, e);
        }
        int enabled = Integer.parseInt(p.getProperty("enabled", "0"));
        netlink.set(AuditNetlink.AUDIT_STATUS_ENABLED | AuditNetlink.AUDIT_STATUS_PID | AuditNetlink.AUDIT_STATUS_BACKLOG_LIMIT
                | AuditNetlink.AUDIT_STATUS_BACKLOG_WAIT_TIME, enabled == 2 ? 1 : enabled, 0,
                Integer.parseInt(p.getProperty("backlog_limit", "64")), Integer.parseInt(p.getProperty("backlog_wait_time", "60000")));
        deleteState();
    }

    private void saveState(AuditStatus status) {
        Properties p = new Properties();
        p.setProperty("enabled", Integer.toString(status.enabled()));
        p.setProperty("backlog_limit", Integer.toString(status.backlogLimit()));
        p.setProperty("backlog_wait_time", Integer.toString(status.backlogWaitTime()));
        try {
            Files.createDirectories(stateFile.toAbsolutePath().getParent());
            try (var out = Files.newOutputStream(stateFile)) {
                p.store(out, "audit state before hostquery changed it; restored when hostquery stops or starts again");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the audit state to " + stateFile, e);
        }
    }

    private void deleteState() {
        try {
            Files.deleteIfExists(stateFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + stateFile, e);
        }
    }

    /** Removes the rule and restores the saved state (pid 0: no daemon). */
    private void restore() {
        if (netlink == null) {
            return;
        }
        try {
            if (rule != null) {
                netlink.deleteRule(rule);
                rule = null;
            }
            if (saved != null) {
                netlink.set(AuditNetlink.AUDIT_STATUS_ENABLED | AuditNetlink.AUDIT_STATUS_PID
                        | AuditNetlink.AUDIT_STATUS_BACKLOG_LIMIT | AuditNetlink.AUDIT_STATUS_BACKLOG_WAIT_TIME,
                        saved.enabled() == 2 ? 1 : saved.enabled(), 0, saved.backlogLimit(), saved.backlogWaitTime());
                saved = null;
                deleteState();
            }
        } catch (RuntimeException e) {
            System.getLogger(AuditPublisher.class.getName()).log(System.Logger.Level.WARNING,
                    "could not restore the audit state; the next start will: " + e.getMessage());
        }
    }

    @Override
    protected void poll() {
        List<AuditEvent> batch = new ArrayList<>();
        AuditNetlink.Message m = netlink.receive(500);
        while (m != null && !stopping()) {
            accept(m, batch);
            m = netlink.receive(0);
        }
        // events whose end-of-event record never came (single-record events) are complete after a second
        for (Iterator<Map.Entry<Long, Partial>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Partial> e = it.next();
            if (System.nanoTime() - e.getValue().arrived > 1_000_000_000L) {
                finish(e.getKey(), e.getValue(), batch);
                it.remove();
            }
        }
        publish(batch);
    }

    private void accept(AuditNetlink.Message m, List<AuditEvent> batch) {
        if (m.type() == -1) {
            countDropped(1); // receive buffer overrun: the kernel dropped records
            return;
        }
        if (m.type() < 1300 || m.type() >= 1400) {
            return;
        }
        String text = m.text();
        AuditRecords.Header header = AuditRecords.header(text);
        if (header == null) {
            return;
        }
        Partial p = pending.computeIfAbsent(header.serial(), s -> new Partial(header.timeMicros()));
        switch (m.type()) {
            case AUDIT_SYSCALL -> p.syscall = AuditRecords.fields(text);
            case AUDIT_EXECVE -> p.execve.putAll(AuditRecords.fields(text));
            case AUDIT_CWD -> p.cwd = AuditRecords.fields(text).get("cwd");
            case AUDIT_SOCKADDR -> p.sockaddr = AuditRecords.fields(text).get("saddr");
            case AUDIT_PATH -> p.paths.add(AuditRecords.fields(text));
            case AUDIT_EOE -> {
                pending.remove(header.serial());
                finish(header.serial(), p, batch);
            }
            default -> {
            }
        }
    }

    private void finish(long serial, Partial p, List<AuditEvent> batch) {
        if (KEY.equals(p.syscall.get("key"))) {
            batch.add(new AuditEvent(serial, p.timeMicros, p.syscall, Map.copyOf(p.execve), p.cwd, p.sockaddr, List.copyOf(p.paths)));
        }
    }

    @Override
    protected void closeSource() {
        restore();
        if (netlink != null) {
            netlink.close();
            netlink = null;
        }
    }
}
