package dev.hostquery.linux.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.platform.linux.XAttrUtil;
import dev.hostquery.api.Constraint;
import dev.hostquery.api.Operator;
import dev.hostquery.linux.HostRoot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * extended_attributes on real files this test sets attributes on (user.* anywhere the file system allows them;
 * security.capability as root), read through the host root.
 */
class ExtendedAttributesTableTest {
    /** vfs_cap_data revision 2 with the effective flag: permitted and inheritable masks, little-endian. */
    static byte[] capabilities(long permitted, long inheritable, boolean effective) {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x02000000 | (effective ? 1 : 0));
        b.putInt((int) permitted).putInt((int) inheritable).putInt((int) (permitted >>> 32)).putInt((int) (inheritable >>> 32));
        return b.array();
    }

    @Test
    void capabilitiesReadAsLibcapWritesThem() {
        assertThat(ExtendedAttributesTable.capabilities(capabilities(1L << 13, 0, true))).isEqualTo("cap_net_raw+ep");
        assertThat(ExtendedAttributesTable.capabilities(capabilities(1L << 12 | 1L << 13, 0, true)))
                .isEqualTo("cap_net_admin,cap_net_raw+ep");
        assertThat(ExtendedAttributesTable.capabilities(capabilities(1L << 10, 1L << 21, false)))
                .isEqualTo("cap_net_bind_service+p cap_sys_admin+i");
        assertThat(ExtendedAttributesTable.capabilities(capabilities(1L << 38, 0, true))).isEqualTo("cap_perfmon+ep");
        assertThat(ExtendedAttributesTable.capabilities(new byte[] {1, 2, 3})).isNull();
    }

    @Test
    void attributesOfRealFiles() throws Exception {
        // on the build's disk, not /tmp: tmpfs took user attributes only lately
        Path base = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "xattr-");
        try {
            Path file = Files.writeString(base.resolve("tool"), "#!/bin/sh\n");
            try {
                XAttrUtil.setXAttr(file.toString(), "user.comment", "hello");
            } catch (IOException e) {
                assumeTrue(false, "this file system takes no user extended attributes: " + e.getMessage());
            }
            XAttrUtil.setXAttr(file.toString(), "user.blob", new byte[] {0, 1, 2, (byte) 255});
            boolean capability = false;
            try {
                XAttrUtil.setXAttr(file.toString(), "security.capability", capabilities(1L << 13, 0, true));
                capability = true;
            } catch (IOException e) {
                // not root: no file capabilities to read
            }
            HostRoot root = new HostRoot(base);
            List<Map<String, Object>> rows = FixtureRootTest.rows(new ExtendedAttributesTable(root),
                    Constraint.of("path", Operator.EQ, "/tool"));
            assertThat(rows).anySatisfy(r -> {
                assertThat(r).containsEntry("key", "user.comment").containsEntry("value", "hello").containsEntry("base64", 0L)
                        .containsEntry("directory", "/");
            });
            assertThat(rows).anySatisfy(r -> assertThat(r).containsEntry("key", "user.blob").containsEntry("value", "AAEC/w==")
                    .containsEntry("base64", 1L));
            if (capability) {
                assertThat(rows).anySatisfy(r -> assertThat(r).containsEntry("key", "security.capability")
                        .containsEntry("value", "cap_net_raw+ep").containsEntry("base64", 0L));
            }
            // by directory, and nothing for a file without attributes or one that is not there
            Files.writeString(base.resolve("plain"), "x");
            List<Map<String, Object>> listed = FixtureRootTest.rows(new ExtendedAttributesTable(root),
                    Constraint.of("directory", Operator.EQ, "/"));
            assertThat(listed).extracting(r -> r.get("path")).containsOnly("/tool");
            assertThat(FixtureRootTest.rows(new ExtendedAttributesTable(root), Constraint.of("path", Operator.EQ, "/missing"))).isEmpty();
        } finally {
            try (var walk = Files.walk(base)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
