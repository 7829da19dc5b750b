package dev.hostquery.events.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hostquery.api.QueryContext;
import dev.hostquery.api.TableSpec;
import dev.hostquery.events.framework.EventManager;
import dev.hostquery.events.store.EventStore;
import dev.hostquery.events.tables.EventTable;
import dev.hostquery.events.tables.EventTableSpecs;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.audit.AuditNetlink;
import dev.hostquery.linux.audit.AuditRule;
import dev.hostquery.linux.audit.AuditStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit backend against the real kernel audit system (root, and no other audit daemon, or skipped). */
class AuditPublisherTest {
    @TempDir
    Path dir;
    AuditStatus before;

    @BeforeEach
    void requireAudit() {
        try (AuditNetlink netlink = new AuditNetlink()) {
            before = netlink.status();
        } catch (IllegalStateException e) {
            assumeTrue(false, "the kernel audit system is not usable here (needs root): " + e.getMessage());
        }
        assumeTrue(before.pid() == 0 || !Files.exists(Path.of("/proc/" + before.pid())),
                "another audit daemon (pid " + before.pid() + ") is running");
    }

    static List<Map<String, Object>> rows(EventStore store, TableSpec spec) throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        new EventTable(spec, store).generate(QueryContext.all(spec), values -> {
            Map<String, Object> row = new HashMap<>();
            for (int i = 0; i < values.length; i++) {
                row.put(spec.columns().get(i).name(), values[i]);
            }
            rows.add(row);
            return true;
        });
        return rows;
    }

    static void assertRestored(AuditStatus before) {
        try (AuditNetlink netlink = new AuditNetlink()) {
            AuditStatus after = netlink.status();
            assertThat(after.pid()).isZero();
            assertThat(after.enabled()).isEqualTo(before.enabled());
            assertThat(after.backlogLimit()).isEqualTo(before.backlogLimit());
            assertThat(after.backlogWaitTime()).isEqualTo(before.backlogWaitTime());
            assertThat(netlink.listRules()).noneMatch(r -> AuditPublisher.KEY.equals(AuditRule.keyOf(r)));
        }
    }

    @Test
    void capturesExecsWithFullArgvAndCorrelatedSocketsThenRestoresTheKernelState() throws Exception {
        Path state = dir.resolve("audit-state");
        try (EventStore store = EventStore.open(dir.resolve("store"), List.of("process_events", "socket_events"),
                new EventStore.Retention(Duration.ofHours(1), 100_000), Duration.ofHours(1)); EventManager manager = new EventManager(store)) {
            AuditPublisher audit = new AuditPublisher(HostRoot.system(), state, true, true);
            manager.add(audit, new AuditProcessEventsSubscriber(store), new SocketEventsSubscriber(store));
            assertThat(manager.start()).isEmpty();
            try (AuditNetlink netlink = new AuditNetlink()) {
                AuditStatus running = netlink.status();
                assertThat(running.pid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(running.backlogWaitTime()).isZero();
                assertThat(running.backlogLimit()).isGreaterThanOrEqualTo(AuditPublisher.BACKLOG_LIMIT);
            }
            assertThat(state).exists();
            Process echo = new ProcessBuilder("/bin/echo", "hello", "audited world").start();
            echo.waitFor();
            // the kernel never audits the audit daemon's own process: the socket calls happen in a child
            int port;
            try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
                port = server.getLocalPort();
                Process client = java(BindThenConnect.class, "-Djava.net.preferIPv4Stack=true", Integer.toString(port));
                server.accept().close();
                assertThat(client.waitFor()).isZero();
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            List<Map<String, Object>> processes = List.of();
            List<Map<String, Object>> sockets = List.of();
            while (System.nanoTime() < deadline) {
                processes = rows(store, EventTableSpecs.PROCESS_EVENTS);
                sockets = rows(store, EventTableSpecs.SOCKET_EVENTS);
                if (processes.stream().anyMatch(r -> Long.valueOf(echo.pid()).equals(r.get("pid")))
                        && sockets.stream().anyMatch(r -> "connect".equals(r.get("action")) && Long.valueOf(port).equals(r.get("remote_port")))) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(processes).anySatisfy(r -> {
                assertThat(r.get("pid")).isEqualTo(echo.pid());
                assertThat(r.get("cmdline")).isEqualTo("/bin/echo hello audited world");
                assertThat((String) r.get("path")).endsWith("echo");
                assertThat(r.get("syscall")).isEqualTo("execve");
                assertThat(r.get("parent")).isEqualTo(ProcessHandle.current().pid());
            });
            assertThat(sockets).anySatisfy(r -> {
                assertThat(r.get("action")).isEqualTo("connect");
                assertThat(r.get("remote_address")).isEqualTo("127.0.0.1");
                assertThat(r.get("remote_port")).isEqualTo((long) port);
                assertThat(r.get("local_address")).as("the bind before the connect").isEqualTo("127.0.0.1");
                assertThat(r.get("local_port")).as("the port the bind asked for (0: any)").isEqualTo(0L);
                assertThat(r.get("status")).isEqualTo("succeeded");
            });
            assertThat(sockets).anySatisfy(r -> assertThat(r.get("action")).isEqualTo("bind"));
        }
        assertThat(state).doesNotExist();
        assertRestored(before);
    }

    @Test
    void aCrashedRunIsCleanedUpAtTheNextStart() throws Exception {
        Path state = dir.resolve("audit-state");
        // what a killed run leaves behind: its rule, the kernel changed, and the saved state
        try (AuditNetlink netlink = new AuditNetlink()) {
            Files.writeString(state, "enabled=" + before.enabled() + "\nbacklog_limit=" + before.backlogLimit()
                    + "\nbacklog_wait_time=" + before.backlogWaitTime() + "\n");
            netlink.set(AuditNetlink.AUDIT_STATUS_BACKLOG_WAIT_TIME | AuditNetlink.AUDIT_STATUS_ENABLED, 1, 0, 0, 0);
            netlink.addRule(new AuditRule(new int[] {Syscalls.nativeTable().execve}, AuditPublisher.KEY));
        }
        try (EventStore store = EventStore.open(dir.resolve("store"), List.of("process_events"),
                new EventStore.Retention(Duration.ofHours(1), 100_000), Duration.ofHours(1)); EventManager manager = new EventManager(store)) {
            manager.add(new AuditPublisher(HostRoot.system(), state, true, false), new AuditProcessEventsSubscriber(store));
            assertThat(manager.start()).isEmpty();
            try (AuditNetlink netlink = new AuditNetlink()) {
                assertThat(netlink.listRules().stream().filter(r -> AuditPublisher.KEY.equals(AuditRule.keyOf(r)))).hasSize(1);
            }
        }
        assertRestored(before);
    }

    @Test
    void refusesToStartWhileAnotherAuditDaemonRuns() throws Exception {
        Process standIn = java(AuditDaemonStandIn.class);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(standIn.getInputStream()));
            assertThat(out.readLine()).isEqualTo("registered");
            try (EventStore store = EventStore.open(dir.resolve("store"), List.of("process_events"),
                    new EventStore.Retention(Duration.ofHours(1), 100_000), Duration.ofHours(1))) {
                AuditPublisher audit = new AuditPublisher(HostRoot.system(), dir.resolve("audit-state"), true, false);
                assertThatThrownBy(audit::start).hasMessageContaining("another audit daemon (pid " + standIn.pid());
                assertThat(dir.resolve("audit-state")).doesNotExist();
            }
        } finally {
            standIn.destroyForcibly().waitFor();
        }
        Thread.sleep(200);
        try (AuditNetlink netlink = new AuditNetlink()) {
            if (netlink.status().pid() == standIn.pid()) {
                netlink.set(AuditNetlink.AUDIT_STATUS_PID, 0, 0, 0, 0); // the kernel had not noticed the stand-in's exit yet
            }
            netlink.set(AuditNetlink.AUDIT_STATUS_ENABLED, before.enabled() == 2 ? 1 : before.enabled(), 0, 0, 0);
        }
    }

    /** Runs a main class of the test classpath in a child JVM. */
    static Process java(Class<?> main, String... args) throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        List<String> arguments = new ArrayList<>();
        for (String arg : args) {
            (arg.startsWith("-D") ? command : arguments).add(arg);
        }
        command.add(main.getName());
        command.addAll(arguments);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    @Test
    void parsesSockaddrsAndArguments() {
        assertThat(SocketEventsSubscriber.parseSockaddr("0200005 0".replace(" ", "") + "7F000001" + "0000000000000000"))
                .isEqualTo(new SocketEventsSubscriber.Address(2, "127.0.0.1", 80L));
        assertThat(SocketEventsSubscriber.parseSockaddr("0A001F90000000000000000000000000000000000000000100000000"))
                .isEqualTo(new SocketEventsSubscriber.Address(10, "::1", 8080L));
        assertThat(SocketEventsSubscriber.parseSockaddr("01002F72756E2F782E736F636B00"))
                .isEqualTo(new SocketEventsSubscriber.Address(1, "/run/x.sock", null));
        assertThat(AuditProcessEventsSubscriber.arguments(Map.of("argc", "3", "a0", "ls", "a1", "-l", "a2[0]", "long", "a2[1]", "arg")))
                .isEqualTo("ls -l longarg");
    }
}
