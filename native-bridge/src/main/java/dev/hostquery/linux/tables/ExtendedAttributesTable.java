package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code extended_attributes}: the extended attributes of the files the query names (path =, IN, LIKE; or directory
 * =), from listxattr(2) and getxattr(2). A value that is printable text is shown as it is, anything else base64
 * encoded (base64 = 1); {@code security.capability} is decoded into capability names as libcap prints them
 * ({@code cap_net_raw+ep}).
 */
public final class ExtendedAttributesTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("extended_attributes")
            .sensitivePaths("attribute values of any file: outside the reader paths they describe other users' private files")
            .description("Extended attributes of the files the query names (path =, IN, LIKE; or directory =), from listxattr(2) and "
                    + "getxattr(2); security.capability decoded into capability names as libcap prints them (cap_net_raw+ep).")
            .column("path", ColumnType.TEXT, "Absolute path of the file", ColumnFlag.REQUIRED, ColumnFlag.OPTIMIZED)
            .column("directory", ColumnType.TEXT, "Directory holding the file", ColumnFlag.REQUIRED, ColumnFlag.OPTIMIZED)
            .column("key", ColumnType.TEXT, "Attribute name, with its namespace (user.*, security.*, trusted.*, system.*)")
            .column("value", ColumnType.TEXT, "The value: text as it is, other bytes base64, capabilities by name")
            .column("base64", ColumnType.INTEGER, "1 when value is base64 of the attribute's bytes, else 0")
            .example("SELECT path, value FROM extended_attributes WHERE directory = '/usr/bin' AND key = 'security.capability'")
            .example("SELECT key, value FROM extended_attributes WHERE path = '/usr/bin/ping'")
            .patternColumns("path", "directory")
            .build();

    public ExtendedAttributesTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (String path : FilePatterns.paths(root, context)) {
            context.checkCancelled();
            Map<String, byte[]> attributes = root.extendedAttributes(path).orElse(Map.of());
            int slash = path.lastIndexOf('/');
            String directory = slash <= 0 ? "/" : path.substring(0, slash);
            for (var attribute : attributes.entrySet()) {
                Value v = value(attribute.getKey(), attribute.getValue());
                row.set("path", path).set("directory", directory).set("key", attribute.getKey()).set("value", v.text())
                        .set("base64", v.base64() ? 1L : 0L);
                if (!sink.accept(row.build())) {
                    return;
                }
            }
        }
    }

    /** How a value is shown. */
    record Value(String text, boolean base64) {
    }

    static Value value(String key, byte[] bytes) {
        if (key.equals("security.capability")) {
            String caps = capabilities(bytes);
            if (caps != null) {
                return new Value(caps, false);
            }
        }
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--; // a C string's NUL is not part of the text
        }
        boolean printable = true;
        for (int i = 0; i < end && printable; i++) {
            int b = bytes[i] & 0xff;
            printable = b >= 0x20 && b < 0x7f || b == '\t' || b == '\n';
        }
        return printable ? new Value(new String(bytes, 0, end, StandardCharsets.US_ASCII), false)
                : new Value(Base64.getEncoder().encodeToString(bytes), true);
    }

    /** capability(7) names by bit number, as libcap spells them. */
    static final List<String> CAPABILITIES = List.of("chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill",
            "setgid", "setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
            "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot",
            "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write", "audit_control", "setfcap",
            "mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf",
            "checkpoint_restore");

    private static final int VFS_CAP_REVISION_MASK = 0xFF000000;
    private static final int VFS_CAP_FLAGS_EFFECTIVE = 0x000001;

    /**
     * A file capability set (struct vfs_cap_data, linux/capability.h: a little-endian magic with the revision and
     * the effective flag, then permitted and inheritable masks, one 32-bit pair for revision 1, two for revisions 2
     * and 3, and for 3 the root uid of the user namespace) as libcap's cap_to_text writes it: capabilities with the
     * same flags grouped, {@code cap_a,cap_b+eip}, groups separated by spaces. Null when the bytes are not one.
     */
    static String capabilities(byte[] bytes) {
        if (bytes.length < 12) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt();
        int revision = (magic & VFS_CAP_REVISION_MASK) >>> 24;
        int words = revision == 1 ? 1 : revision == 2 || revision == 3 ? 2 : 0;
        if (words == 0 || bytes.length < 4 + 8 * words) {
            return null;
        }
        long permitted = 0;
        long inheritable = 0;
        for (int i = 0; i < words; i++) {
            permitted |= Integer.toUnsignedLong(b.getInt()) << (32 * i);
            inheritable |= Integer.toUnsignedLong(b.getInt()) << (32 * i);
        }
        boolean effective = (magic & VFS_CAP_FLAGS_EFFECTIVE) != 0;
        Map<String, List<String>> byFlags = new LinkedHashMap<>();
        for (int bit = 0; bit < 64; bit++) {
            boolean p = (permitted >>> bit & 1) != 0;
            boolean in = (inheritable >>> bit & 1) != 0;
            if (!p && !in) {
                continue;
            }
            String flags = (effective && p ? "e" : "") + (in ? "i" : "") + (p ? "p" : "");
            byFlags.computeIfAbsent(flags, f -> new ArrayList<>()).add(bit < CAPABILITIES.size() ? "cap_" + CAPABILITIES.get(bit) : "cap_" + bit);
        }
        if (byFlags.isEmpty()) {
            return "=";
        }
        List<String> groups = new ArrayList<>();
        byFlags.forEach((flags, names) -> groups.add(String.join(",", names) + "+" + flags));
        String text = String.join(" ", groups);
        if (revision == 3 && bytes.length >= 24) {
            long rootid = Integer.toUnsignedLong(b.getInt());
            if (rootid != 0) {
                text += " [rootid=" + rootid + "]";
            }
        }
        return text;
    }
}
