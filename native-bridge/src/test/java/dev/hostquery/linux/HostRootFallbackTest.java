package dev.hostquery.linux;

import java.nio.file.Path;

/**
 * The confinement tests again, resolving component by component as HostRoot does on kernels without openat2(2)
 * (before Linux 5.6).
 */
class HostRootFallbackTest extends HostRootConfinementTest {
    @Override
    HostRoot open(Path root) {
        return new HostRoot(root, false);
    }
}
