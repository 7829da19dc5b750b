package dev.hostquery.events.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hostquery.api.QueryContext;
import dev.hostquery.events.framework.EventManager;
import dev.hostquery.events.store.EventStore;
import dev.hostquery.events.tables.EventTable;
import dev.hostquery.events.tables.EventTableSpecs;
import dev.hostquery.linux.HostRoot;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcConnectorPublisherTest {
    @TempDir
    Path storeDir;

    @Test
    void parsesExecEventsOnly() {
        ByteBuffer m = ByteBuffer.allocate(80).order(ByteOrder.nativeOrder());
        m.putInt(ProcConnectorPublisher.EVENT_OFFSET, ProcConnectorPublisher.PROC_EVENT_EXEC);
        m.putInt(ProcConnectorPublisher.EVENT_OFFSET + 16, 4242).putInt(ProcConnectorPublisher.EVENT_OFFSET + 20, 4242);
        assertThat(ProcConnectorPublisher.parseExec(m, 80)).isEqualTo(4242L);
        m.putInt(ProcConnectorPublisher.EVENT_OFFSET + 16, 4243);
        assertThat(ProcConnectorPublisher.parseExec(m, 80)).as("a thread other than the leader").isNull();
        m.putInt(ProcConnectorPublisher.EVENT_OFFSET, 1);
        assertThat(ProcConnectorPublisher.parseExec(m, 80)).as("fork").isNull();
        assertThat(ProcConnectorPublisher.parseExec(m, 20)).isNull();
    }

    @Test
    void recordsProgramsStartedOnTheHost() throws Exception {
        try (EventStore store = EventStore.open(storeDir, List.of("process_events"), new EventStore.Retention(Duration.ofHours(1), 100_000),
                Duration.ofHours(1)); EventManager manager = new EventManager(store)) {
            manager.add(new ProcConnectorPublisher(HostRoot.system()), new ProcessEventsSubscriber(store));
            List<String> failures = manager.start();
            assumeTrue(failures.isEmpty(), "the process connector needs root (CAP_NET_ADMIN): " + failures);
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Process p = new ProcessBuilder("/bin/sleep", "0.2").start();
                pids.add(p.pid());
            }
            Process last = new ProcessBuilder("/bin/true", "marker-argument").start();
            last.waitFor();
            long deadline = System.nanoTime() + 10_000_000_000L;
            List<Object[]> rows = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                rows.clear();
                new EventTable(EventTableSpecs.PROCESS_EVENTS, store).generate(QueryContext.all(EventTableSpecs.PROCESS_EVENTS), rows::add);
                if (rows.stream().anyMatch(r -> Long.valueOf(last.pid()).equals(r[0]))) {
                    break;
                }
                Thread.sleep(50);
            }
            int pid = EventTableSpecs.PROCESS_EVENTS.indexOf("pid");
            int path = EventTableSpecs.PROCESS_EVENTS.indexOf("path");
            int parent = EventTableSpecs.PROCESS_EVENTS.indexOf("parent");
            int syscall = EventTableSpecs.PROCESS_EVENTS.indexOf("syscall");
            List<Long> seen = rows.stream().map(r -> (Long) r[pid]).toList();
            assertThat(seen).containsAll(pids).contains(last.pid());
            // Java starts a program through jspawnhelper, which then execs it: the pid execs twice
            List<Object[]> sleeper = rows.stream().filter(r -> pids.getFirst().equals(r[pid])).toList();
            assertThat(sleeper).anySatisfy(r -> {
                assertThat(r[syscall]).isIn("exec", "exec_gone");
                if ("exec".equals(r[syscall])) {
                    assertThat((String) r[path]).endsWith("sleep");
                    assertThat(r[parent]).isEqualTo(ProcessHandle.current().pid());
                }
            });
        }
    }
}
