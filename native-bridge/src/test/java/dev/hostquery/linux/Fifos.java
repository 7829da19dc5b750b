package dev.hostquery.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileOutputStream;
import java.nio.file.Path;

/** FIFOs for tests that check a reader never blocks on one. */
public final class Fifos {
    private Fifos() {
    }

    /** mkfifo(1) at {@code fifo}. */
    public static void mkfifo(Path fifo) throws Exception {
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(p.waitFor()).as("mkfifo " + fifo).isZero();
    }

    /**
     * Opens a FIFO for writing on a daemon thread, which lets a reader blocked in open(2) go on (to end of file):
     * a test that saw a reader hang calls it so that the reader's thread ends.
     */
    public static void unblock(Path fifo) {
        Thread.ofPlatform().daemon().start(() -> {
            try (var out = new FileOutputStream(fifo.toFile())) {
                out.flush();
            } catch (Exception e) {
                // the reader went away meanwhile
            }
        });
    }
}
