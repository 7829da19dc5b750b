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
 * {@code shell_history}: Commands from the shell history files of every home directory in /etc/passwd: .bash_history, .zsh_history, .sh_history and .history, with times where the file records them.
 */
public final class ShellHistoryTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("shell_history")
            .sensitive("users' shell history: the commands they typed, passwords pasted on command lines included")
            .description("Commands from the shell history files of every home directory in /etc/passwd: .bash_history, .zsh_history, .sh_history and .history, with times where the file records them.")
            .column("uid", ColumnType.BIGINT, "Owner of the home directory", ColumnFlag.ADDITIONAL, ColumnFlag.OPTIMIZED)
            .column("time", ColumnType.INTEGER, "When the command ran, seconds since the epoch; NULL when the file does not record it")
            .column("command", ColumnType.TEXT, "The command line")
            .column("history_file", ColumnType.TEXT, "Path of the history file")
            .example("SELECT command FROM shell_history WHERE uid = 0 AND command LIKE '%curl%'")
            .build();

    public ShellHistoryTable(HostRoot root) {
        super(root, SPEC);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        for (Accounts.User u : Accounts.users(root, context)) {
            for (String name : new String[] {".bash_history", ".zsh_history", ".sh_history", ".history"}) {
                context.checkCancelled();
                String file = (u.home() + "/" + name).replace("//", "/");
                // only a regular file the user owns, not through a link: what the user could read themselves
                String text = root.readOwnedBy(file, u.uid()).orElse(null);
                if (text == null) {
                    continue;
                }
                for (Object[] entry : parseHistory(text)) {
                    row.set("uid", u.uid()).set("time", entry[0]).set("command", entry[1]).set("history_file", file);
                    if (!row.emit(sink)) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * Parses a history file into {time or null, command} pairs: bash's "#1700000000" timestamp lines
     * (HISTTIMEFORMAT) apply to the next command; zsh's extended format is ": 1700000000:0;command".
     */
    static List<Object[]> parseHistory(String text) {
        List<Object[]> entries = new ArrayList<>();
        Long pending = null;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.matches("#\\d{9,11}")) {
                pending = Long.parseLong(line.substring(1));
                continue;
            }
            java.util.regex.Matcher zsh = ZSH.matcher(line);
            if (zsh.matches()) {
                entries.add(new Object[] {Long.parseLong(zsh.group(1)), zsh.group(2)});
            } else {
                entries.add(new Object[] {pending, line});
            }
            pending = null;
        }
        return entries;
    }

    private static final java.util.regex.Pattern ZSH = java.util.regex.Pattern.compile(": (\\d+):\\d+;(.*)");
}
