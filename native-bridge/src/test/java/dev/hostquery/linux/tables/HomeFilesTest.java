package dev.hostquery.linux.tables;

import static dev.hostquery.linux.tables.FixtureRootTest.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hostquery.api.Table;
import dev.hostquery.linux.Fifos;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Unprivileged;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tables that read users' homes (shell_history, authorized_keys, user_ssh_keys) read only what the user could
 * read themselves: regular files the user owns, not through a link, and never block on a FIFO.
 */
class HomeFilesTest {
    private static final String ROOT_KEY = "ssh-ed25519 AAAAroot root@fixture\n";

    @TempDir
    Path dir;
    HostRoot root;

    @BeforeEach
    void fixture() throws Exception {
        Unprivileged.assumeRoot(); // chown
        write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/zsh\n"
                + "bob:x:1001:1001:Bob:/home/bob:/bin/bash\n", 0);
        write("etc/shadow", "root:$6$fixture:19000:0:99999:7:::\n", 0);
        write("root/.ssh/authorized_keys", ROOT_KEY, 0);
        write("root/.ssh/id_rsa", "-----BEGIN RSA PRIVATE KEY-----\nroot\n-----END RSA PRIVATE KEY-----\n", 0);
        write("home/alice/.bash_history", "#1700000001\nmake test\n", 1000);
        write("home/alice/.ssh/authorized_keys2", "ssh-ed25519 AAAAalice alice@fixture\n", 1000);
        write("home/alice/.ssh/id_ecdsa", "-----BEGIN EC PRIVATE KEY-----\nalice\n-----END EC PRIVATE KEY-----\n", 1000);
        Files.createDirectories(dir.resolve("home/bob/.ssh"));
        root = new HostRoot(dir);
    }

    private Path write(String path, String text, int uid) throws Exception {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setAttribute(file, "unix:uid", uid);
        return file;
    }

    private void link(String path, String target, int uid) throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve(path), Path.of(target));
        Files.setAttribute(link, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void aFifoHistoryDoesNotBlockTheQuery() throws Exception {
        Path fifo = dir.resolve("home/alice/.zsh_history");
        Fifos.mkfifo(fifo);
        Files.setAttribute(fifo, "unix:uid", 1000);
        CompletableFuture<List<Map<String, Object>>> scan = CompletableFuture.supplyAsync(() -> {
            try {
                return rows(new ShellHistoryTable(root));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> Thread.ofPlatform().daemon().start(runnable));
        try {
            assertThat(scan.get(10, TimeUnit.SECONDS)).extracting(r -> r.get("command")).containsExactly("make test");
        } finally {
            if (!scan.isDone()) {
                Fifos.unblock(fifo);
            }
        }
    }

    @Test
    void aHistoryLinkedToShadowIsNotRead() throws Exception {
        link("home/bob/.bash_history", "/etc/shadow", 1001);
        link("home/alice/.sh_history", "../../etc/shadow", 1000);
        Files.createLink(dir.resolve("home/bob/.history"), dir.resolve("etc/shadow"));

        List<Map<String, Object>> rows = rows(new ShellHistoryTable(root));

        assertThat(rows).extracting(r -> r.get("command")).containsExactly("make test");
    }

    @Test
    void authorizedKeysOfAnotherUserAreNotReadThroughALink() throws Exception {
        link("home/alice/.ssh/authorized_keys", "../../../root/.ssh/authorized_keys", 1000);
        link("home/bob/.ssh/authorized_keys2", "/root/.ssh/authorized_keys", 1001);
        Files.createLink(dir.resolve("home/bob/.ssh/authorized_keys"), dir.resolve("root/.ssh/authorized_keys"));

        List<Map<String, Object>> rows = rows(new AuthorizedKeysTable(root));

        assertThat(rows).extracting(r -> r.get("uid") + " " + r.get("comment")).containsExactlyInAnyOrder("1000 alice@fixture",
                "0 root@fixture");
    }

    @Test
    void privateKeysOfAnotherUserAreNotReadThroughALink() throws Exception {
        link("home/alice/.ssh/id_rsa", "../../../root/.ssh/id_rsa", 1000);
        Files.createLink(dir.resolve("home/bob/.ssh/id_rsa"), dir.resolve("root/.ssh/id_rsa"));
        Fifos.mkfifo(dir.resolve("home/bob/.ssh/id_ed25519"));

        List<Map<String, Object>> rows = rows(new UserSshKeysTable(root));

        assertThat(rows).extracting(r -> r.get("path") + " " + r.get("key_type")).containsExactlyInAnyOrder(
                "/home/alice/.ssh/id_ecdsa ecdsa", "/root/.ssh/id_rsa rsa");
    }

    @Test
    void aTableStillReadsFilesWrittenByTheirUser() throws Exception {
        Table table = new ShellHistoryTable(root);
        write("home/bob/.bash_history", "ls\n", 1001);
        assertThat(rows(table)).extracting(r -> r.get("uid") + " " + r.get("command")).containsExactlyInAnyOrder(
                "1000 make test", "1001 ls");
    }
}
