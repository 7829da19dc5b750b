package dev.hostquery.linux;

import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs code with the file-system permissions of user {@code nobody} (65534) while the test JVM runs as root, so
 * that a fixture directory with mode 000 is really unreadable: setfsuid(2) changes the file-system uid of the
 * calling thread only, and changing it from 0 clears CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from that thread's
 * effective set (capabilities(7)). The code runs on a fresh platform thread, which is set back to uid 0 after.
 */
public final class Unprivileged {
    public static final int NOBODY = 65534;

    /** setfsuid(2): returns the previous file-system uid, whether or not the call succeeded. */
    interface FsUid extends Library {
        FsUid INSTANCE = Native.load("c", FsUid.class);

        int setfsuid(int fsuid);
    }

    private Unprivileged() {
    }

    /** Skips the test where the JVM is not root (it cannot change its file-system uid, nor chmod a fixture for nobody). */
    public static void assumeRoot() {
        assumeThat(FsUid.INSTANCE.setfsuid(-1)).as("these tests run as root").isZero();
    }

    /** The result of {@code task} run as nobody; its exception, unwrapped, if it throws. */
    public static <T> T call(Callable<T> task) throws Exception {
        assumeRoot();
        FutureTask<T> future = new FutureTask<>(() -> {
            FsUid.INSTANCE.setfsuid(NOBODY);
            if (FsUid.INSTANCE.setfsuid(-1) != NOBODY) {
                throw new IllegalStateException("setfsuid(" + NOBODY + ") did not take");
            }
            try {
                return task.call();
            } finally {
                FsUid.INSTANCE.setfsuid(0);
            }
        });
        Thread.ofPlatform().name("unprivileged").start(future);
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
