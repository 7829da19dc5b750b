package dev.hostquery.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryCancelledException;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.TableSpec;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Digests of regular files only, read in 64 KiB chunks with a cancellation check before each. */
class FileDigestsTest {
    private static final TableSpec SPEC = TableSpec.builder("digests").description("test table")
            .column("path", ColumnType.TEXT, "path").build();

    @TempDir
    Path dir;

    @Test
    void digestsAFileInsideTheRootAndSkipsWhatIsNotARegularFile() throws Exception {
        Files.writeString(dir.resolve("hello"), "hello\n");
        Fifos.mkfifo(dir.resolve("fifo"));
        HostRoot root = new HostRoot(dir);
        QueryContext context = QueryContext.all(SPEC);

        assertThat(FileDigests.digest(root, "/hello", true, false, true, context)).contains(new FileDigests.Digests(
                "b1946ac92492d2347c6235b4d2611184", null, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThat(FileDigests.digest(root, "/fifo", true, true, true, context)).isEmpty();
            assertThat(FileDigests.digest(dir.resolve("fifo"), true, true, true)).as("file_events' overload").isNull();
        });
        assertThat(FileDigests.digest(root, "/", true, true, true, context)).as("a directory").isEmpty();
        assertThat(FileDigests.digest(dir.resolve("hello"), false, true, false)).containsExactly(null,
                "f572d396fae9206628714fb2ce00f72e94f2258f", null);
    }

    @Test
    void checksForCancellationEvery64KiB() throws Exception {
        Path file = dir.resolve("one-mib");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(1 << 20);
        }
        AtomicInteger checks = new AtomicInteger();
        QueryContext counting = new QueryContext(SPEC, List.of(), null, () -> checks.incrementAndGet() < 0);
        assertThat(FileDigests.digest(new HostRoot(dir), "/one-mib", false, false, true, counting)).isPresent();
        assertThat(checks.get()).as("16 chunks and the end of the file").isEqualTo(17);

        QueryContext cancelledAtTheFifthChunk = new QueryContext(SPEC, List.of(), null, () -> checks.incrementAndGet() > 21);
        assertThatThrownBy(() -> FileDigests.digest(new HostRoot(dir), "/one-mib", false, false, true, cancelledAtTheFifthChunk))
                .isInstanceOf(QueryCancelledException.class);
    }
}
