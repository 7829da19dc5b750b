package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.FileAttributes;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * {@code user_ssh_keys}: Private SSH keys in the ~/.ssh directory of every home directory in /etc/passwd: type, size and whether a passphrase protects them. The key material is never returned.
 */
public final class UserSshKeysTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("user_ssh_keys")
            .sensitive("users' private SSH key files: their paths and whether each is encrypted")
            .description("Private SSH keys in the ~/.ssh directory of every home directory in /etc/passwd: type, size and whether a passphrase protects them. The key material is never returned.")
            .column("uid", ColumnType.BIGINT, "Owner of the home directory", ColumnFlag.ADDITIONAL, ColumnFlag.OPTIMIZED)
            .column("path", ColumnType.TEXT, "Path of the key file", ColumnFlag.INDEX)
            .column("encrypted", ColumnType.INTEGER, "1 when the key is protected by a passphrase")
            .column("key_type", ColumnType.TEXT, "rsa, dsa, ecdsa, ed25519, or NULL when unknown")
            .column("key_group_name", ColumnType.TEXT, "Curve of an ECDSA key (nistp256, ...), else NULL")
            .column("key_length", ColumnType.INTEGER, "Key size in bits, NULL when unknown")
            .column("key_security_bits", ColumnType.INTEGER, "Security strength in bits (NIST SP 800-57), NULL when unknown")
            .column("pid_with_namespace", ColumnType.INTEGER, "Not supported: always NULL (osquery reads another process's mount namespace)", ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN)
            .example("SELECT u.username, k.path FROM user_ssh_keys k JOIN users u USING (uid) WHERE k.encrypted = 0")
            .build();

    /** Files in ~/.ssh larger than this are not keys and are not read. */
    private static final long MAX_KEY_BYTES = 64 * 1024;

    public UserSshKeysTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (Accounts.User u : Accounts.users(root, context)) {
            String dir = (u.home() + "/.ssh").replace("//", "/");
            for (String name : root.list(dir).stream().sorted().toList()) {
                context.checkCancelled();
                String path = dir + "/" + name;
                // a key is a few KiB: skip anything else in ~/.ssh without reading it
                FileAttributes a = root.lstat(path).orElse(null);
                if (a == null || !a.isRegular() || a.size() > MAX_KEY_BYTES) {
                    continue;
                }
                // only a regular file the user owns, not through a link: what the user could read themselves
                KeyInfo key = root.readOwnedBy(path, u.uid()).map(UserSshKeysTable::parseKey).orElse(null);
                if (key == null) {
                    continue;
                }
                row.set("uid", u.uid()).set("path", path).set("encrypted", key.encrypted() ? 1 : 0).set("key_type", key.type())
                        .set("key_group_name", key.group()).set("key_length", key.bits())
                        .set("key_security_bits", securityBits(key.type(), key.bits()));
                if (!row.emit(sink)) {
                    return;
                }
            }
        }
    }

    record KeyInfo(String type, boolean encrypted, String group, Long bits) {
    }

    /** Recognizes a private key file (PEM or OpenSSH format); null when the text is not a private key. */
    static KeyInfo parseKey(String text) {
        if (text.contains("-----BEGIN OPENSSH PRIVATE KEY-----")) {
            return parseOpenSsh(text);
        }
        boolean encrypted = text.contains("Proc-Type: 4,ENCRYPTED") || text.contains("BEGIN ENCRYPTED PRIVATE KEY");
        if (text.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            return new KeyInfo("rsa", encrypted, null, null);
        }
        if (text.contains("-----BEGIN DSA PRIVATE KEY-----")) {
            return new KeyInfo("dsa", encrypted, null, 1024L);
        }
        if (text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            return new KeyInfo("ecdsa", encrypted, null, null);
        }
        if (text.contains("-----BEGIN PRIVATE KEY-----") || text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            return new KeyInfo(null, encrypted, null, null);
        }
        return null;
    }

    /**
     * The OpenSSH format (PROTOCOL.key): "openssh-key-v1\\0", cipher name, KDF name, KDF options, key count,
     * then the public key blob in the clear: its type string and, for RSA, e and n.
     */
    static KeyInfo parseOpenSsh(String text) {
        String body = text.substring(text.indexOf("-----BEGIN OPENSSH PRIVATE KEY-----") + 35);
        int end = body.indexOf("-----END");
        try {
            ByteBuffer b = ByteBuffer.wrap(Base64.getMimeDecoder().decode(end < 0 ? body : body.substring(0, end)));
            byte[] magic = new byte[15];
            b.get(magic);
            if (!new String(magic, java.nio.charset.StandardCharsets.US_ASCII).equals("openssh-key-v1\0")) {
                return null;
            }
            String cipher = string(b);
            string(b);
            string(b);
            b.getInt();
            ByteBuffer pub = ByteBuffer.wrap(bytes(b));
            String type = string(pub);
            boolean encrypted = !cipher.equals("none");
            if (type.equals("ssh-rsa")) {
                bytes(pub);
                return new KeyInfo("rsa", encrypted, null, (long) new java.math.BigInteger(1, bytes(pub)).bitLength());
            }
            if (type.startsWith("ecdsa-sha2-")) {
                String curve = string(pub);
                Long bits = switch (curve) {
                    case "nistp256" -> 256L;
                    case "nistp384" -> 384L;
                    case "nistp521" -> 521L;
                    default -> null;
                };
                return new KeyInfo("ecdsa", encrypted, curve, bits);
            }
            if (type.equals("ssh-ed25519") || type.startsWith("sk-ssh-ed25519")) {
                return new KeyInfo("ed25519", encrypted, null, 256L);
            }
            if (type.equals("ssh-dss")) {
                return new KeyInfo("dsa", encrypted, null, 1024L);
            }
            return new KeyInfo(type, encrypted, null, null);
        } catch (RuntimeException e) {
            return new KeyInfo(null, false, null, null);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] bytes = new byte[b.getInt()];
        b.get(bytes);
        return bytes;
    }

    private static String string(ByteBuffer b) {
        return new String(bytes(b), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Security strength (NIST SP 800-57 part 1, table 2) of a key type and size; null when unknown. */
    static Long securityBits(String type, Long bits) {
        if (type == null || bits == null) {
            return null;
        }
        return switch (type) {
            case "ed25519" -> 128L;
            case "ecdsa" -> bits / 2;
            case "dsa" -> 80L;
            case "rsa" -> bits >= 15360 ? 256L : bits >= 7680 ? 192L : bits >= 3072 ? 128L : bits >= 2048 ? 112L : 80L;
            default -> null;
        };
    }
}
