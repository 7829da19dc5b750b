package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import com.sun.jna.platform.linux.LibC;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mounts}: Mounted file systems, from /proc/mounts, with sizes from statvfs(3).
 */
public final class MountsTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("mounts")
            .description("Mounted file systems, from /proc/mounts, with sizes from statvfs(3).")
            .column("device", ColumnType.TEXT, "Mounted device or source")
            .column("device_alias", ColumnType.TEXT, "The device with symbolic links resolved")
            .column("path", ColumnType.TEXT, "Mount point")
            .column("type", ColumnType.TEXT, "File system type")
            .column("blocks_size", ColumnType.BIGINT, "Block size (f_bsize), bytes")
            .column("blocks", ColumnType.BIGINT, "Size in blocks (f_blocks)")
            .column("blocks_free", ColumnType.BIGINT, "Free blocks (f_bfree)")
            .column("blocks_available", ColumnType.BIGINT, "Blocks available to unprivileged users (f_bavail)")
            .column("inodes", ColumnType.BIGINT, "Inodes (f_files)")
            .column("inodes_free", ColumnType.BIGINT, "Free inodes (f_ffree)")
            .column("flags", ColumnType.TEXT, "Mount options")
            .example("SELECT path, blocks_available * blocks_size AS bytes_free FROM mounts WHERE type = 'ext4'")
            .build();

    public MountsTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        boolean sizes = context.isUsed("blocks_size") || context.isUsed("blocks") || context.isUsed("blocks_free")
                || context.isUsed("blocks_available") || context.isUsed("inodes") || context.isUsed("inodes_free");
        for (String[] m : parseMounts(root.read("/proc/mounts").orElse(""))) {
            row.set("device", m[0]).set("path", m[1]).set("type", m[2]).set("flags", m[3]);
            String alias = m[0];
            if (m[0].startsWith("/")) {
                alias = root.realPath(m[0]).orElse(m[0]);
            }
            row.set("device_alias", alias);
            if (sizes) {
                LibC.Statvfs vfs = root.statvfs(m[1]).orElse(null);
                if (vfs != null) {
                    row.set("blocks_size", vfs.f_bsize.longValue()).set("blocks", vfs.f_blocks.longValue())
                            .set("blocks_free", vfs.f_bfree.longValue()).set("blocks_available", vfs.f_bavail.longValue())
                            .set("inodes", vfs.f_files.longValue()).set("inodes_free", vfs.f_ffree.longValue());
                }
            }
            if (!row.emit(sink)) {
                return;
            }
        }
    }

    /** Parses /proc/mounts (fstab(5) format) into {device, path, type, options}, decoding octal escapes (\\040). */
    static List<String[]> parseMounts(String text) {
        List<String[]> mounts = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = Values.fields(line);
            if (f.length >= 4) {
                mounts.add(new String[] {unescape(f[0]), unescape(f[1]), f[2], f[3]});
            }
        }
        return mounts;
    }

    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() + 0 && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
