package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import java.util.Optional;
import java.util.Set;

/**
 * {@code shadow}: Password aging and the state of each account's password, from /etc/shadow (needs root). The hash itself is never returned.
 */
public final class ShadowTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("shadow")
            .sensitive("password hashes and password ages of every account (/etc/shadow)")
            .description("Password aging and the state of each account's password, from /etc/shadow (needs root). The hash itself is never returned.")
            .column("password_status", ColumnType.TEXT, "active (a hash is set), locked (starts with ! or *), or empty (no password)")
            .column("hash_alg", ColumnType.TEXT, "Hash algorithm of the password: MD5, Blowfish, SHA-256, SHA-512, yescrypt, gost-yescrypt, scrypt, DES")
            .column("last_change", ColumnType.BIGINT, "Days since the epoch of the last password change")
            .column("min", ColumnType.BIGINT, "Minimum days between changes")
            .column("max", ColumnType.BIGINT, "Maximum days a password is valid")
            .column("warning", ColumnType.BIGINT, "Days of warning before expiry")
            .column("inactive", ColumnType.BIGINT, "Days after expiry until the account is disabled")
            .column("expire", ColumnType.BIGINT, "Days since the epoch when the account expires")
            .column("flag", ColumnType.BIGINT, "Reserved field")
            .column("username", ColumnType.TEXT, "User name", ColumnFlag.INDEX, ColumnFlag.OPTIMIZED)
            .example("SELECT username FROM shadow WHERE password_status = 'empty'")
            .build();

    public ShadowTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        Optional<Set<String>> names = context.textEquals("username");
        for (String line : root.lines("/etc/shadow")) {
            String[] f = line.split(":", -1);
            if (f.length < 9 || (names.isPresent() && !names.get().contains(f[0]))) {
                continue;
            }
            row.set("username", f[0]).set("password_status", passwordStatus(f[1])).set("hash_alg", hashAlgorithm(f[1]))
                    .set("last_change", Values.parseLong(f[2])).set("min", Values.parseLong(f[3])).set("max", Values.parseLong(f[4]))
                    .set("warning", Values.parseLong(f[5])).set("inactive", Values.parseLong(f[6]))
                    .set("expire", Values.parseLong(f[7])).set("flag", Values.parseLong(f[8]));
            if (!row.emit(sink)) {
                return;
            }
        }
    }

    static String passwordStatus(String field) {
        if (field.isEmpty()) {
            return "empty";
        }
        return field.startsWith("!") || field.startsWith("*") ? "locked" : "active";
    }

    /** The crypt(5) algorithm of a hash field ("$6$…" is SHA-512); null when there is no hash. */
    static String hashAlgorithm(String field) {
        String hash = field.replaceFirst("^!+", "");
        if (hash.isEmpty() || hash.startsWith("*")) {
            return null;
        }
        if (!hash.startsWith("$")) {
            return "DES";
        }
        String id = hash.substring(1, Math.max(1, hash.indexOf('$', 1)));
        return switch (id) {
            case "1" -> "MD5";
            case "2a", "2b", "2x", "2y" -> "Blowfish";
            case "5" -> "SHA-256";
            case "6" -> "SHA-512";
            case "y" -> "yescrypt";
            case "gy" -> "gost-yescrypt";
            case "7" -> "scrypt";
            default -> id;
        };
    }
}
