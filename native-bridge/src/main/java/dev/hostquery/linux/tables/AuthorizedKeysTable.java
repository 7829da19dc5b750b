package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code authorized_keys}: Public keys allowed to log in as each user: the lines of ~/.ssh/authorized_keys and ~/.ssh/authorized_keys2 of every home directory in /etc/passwd.
 */
public final class AuthorizedKeysTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("authorized_keys")
            .sensitive("which keys may log in as which account: the map an attacker needs to pick a target")
            .description("Public keys allowed to log in as each user: the lines of ~/.ssh/authorized_keys and ~/.ssh/authorized_keys2 of every home directory in /etc/passwd.")
            .column("uid", ColumnType.BIGINT, "Owner of the home directory", ColumnFlag.ADDITIONAL)
            .column("algorithm", ColumnType.TEXT, "Key type, e.g. ssh-ed25519")
            .column("key", ColumnType.TEXT, "Base64 public key")
            .column("options", ColumnType.TEXT, "Options before the key (from=\"…\", command=\"…\"), or empty")
            .column("comment", ColumnType.TEXT, "Comment after the key")
            .column("key_file", ColumnType.TEXT, "Path of the authorized_keys file")
            .column("pid_with_namespace", ColumnType.INTEGER, "Not supported: always NULL (osquery reads another process's mount namespace)", ColumnFlag.ADDITIONAL, ColumnFlag.HIDDEN)
            .example("SELECT u.username, a.algorithm, a.comment FROM users u JOIN authorized_keys a USING (uid)")
            .build();

    public AuthorizedKeysTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (Accounts.User u : Accounts.users(root, context)) {
            for (String name : new String[] {"authorized_keys", "authorized_keys2"}) {
                context.checkCancelled();
                String file = u.home() + "/.ssh/" + name;
                // only a regular file the user owns, not through a link: what the user could read themselves
                for (String line : root.readOwnedBy(file, u.uid()).map(t -> t.lines().toList()).orElse(List.of())) {
                    String[] key = parseKeyLine(line);
                    if (key == null) {
                        continue;
                    }
                    row.set("uid", u.uid()).set("options", key[0]).set("algorithm", key[1]).set("key", key[2])
                            .set("comment", key[3]).set("key_file", file.replace("//", "/"));
                    if (!row.emit(sink)) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * Splits an authorized_keys line (sshd(8), AUTHORIZED_KEYS FILE FORMAT) into options, algorithm, key and
     * comment; null for blank lines, comments and lines without a key. Options may hold quoted spaces.
     */
    static String[] parseKeyLine(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
            return null;
        }
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (Character.isWhitespace(c) && !quoted) {
                if (!current.isEmpty()) {
                    tokens.add(current.toString());
                    current.setLength(0);
                }
                if (tokens.size() == (isKeyType(tokens.getFirst()) ? 2 : 3)) {
                    tokens.add(t.substring(i).strip());
                    break;
                }
            } else {
                current.append(c);
            }
        }
        if (!current.isEmpty()) {
            tokens.add(current.toString());
        }
        if (tokens.isEmpty()) {
            return null;
        }
        int at = isKeyType(tokens.getFirst()) ? 0 : 1;
        if (tokens.size() < at + 2 || !isKeyType(tokens.get(at))) {
            return null;
        }
        String options = at == 1 ? tokens.getFirst() : "";
        String comment = tokens.size() > at + 2 ? tokens.get(at + 2) : "";
        return new String[] {options, tokens.get(at), tokens.get(at + 1), comment};
    }

    private static boolean isKeyType(String token) {
        return token.startsWith("ssh-") || token.startsWith("ecdsa-sha2-") || token.startsWith("sk-");
    }
}
