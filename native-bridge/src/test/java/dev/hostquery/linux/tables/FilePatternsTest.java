package dev.hostquery.linux.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.re2j.Pattern;
import dev.hostquery.api.Constraint;
import dev.hostquery.api.InvalidConstraintException;
import dev.hostquery.api.Operator;
import dev.hostquery.api.QueryCancelledException;
import dev.hostquery.api.QueryContext;
import dev.hostquery.linux.HostRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** osquery's path patterns: SQLite's LIKE within a component, %% across levels, bounded and cancellable. */
class FilePatternsTest {
    @TempDir
    Path dir;
    HostRoot root;

    @BeforeEach
    void fixture() throws Exception {
        for (String path : List.of("etc/passwd", "etc/Group", "etc/ssh/sshd_config", "etc/ssh/moduli", "var/log/syslog",
                "var/log/apt/history.log")) {
            Path file = dir.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, path);
        }
        root = new HostRoot(dir);
    }

    private QueryContext like(String pattern) {
        return new QueryContext(FileTable.SPEC, List.of(Constraint.of("path", Operator.LIKE, pattern)), null);
    }

    @Test
    void likeIsSqliteLikeWithinOneComponent() {
        assertThat(FilePatterns.like("%.log").matches("history.log")).isTrue();
        assertThat(FilePatterns.like("%.LOG").matches("history.log")).as("ASCII letters match either case").isTrue();
        assertThat(FilePatterns.like("h_story.log").matches("history.log")).isTrue();
        assertThat(FilePatterns.like("h_story.log").matches("hstory.log")).as("_ is exactly one character").isFalse();
        assertThat(FilePatterns.like("caf_").matches("café")).as("_ is one character, not one byte").isTrue();
        assertThat(FilePatterns.like("a.b").matches("axb")).as("regular expression syntax is literal").isFalse();
        assertThat(FilePatterns.like("[a]+(b)\\%").matches("[a]+(b)\\z")).isTrue();
        assertThat(FilePatterns.like("k").matches("\u212a")).as("no Unicode folding: not the Kelvin sign").isFalse();
        assertThat(FilePatterns.like("É").matches("é")).as("SQLite folds ASCII only").isFalse();
        assertThat(FilePatterns.like("%").matches("line\nbreak")).isTrue();
    }

    @Test
    void likeMatchesInLinearTime() {
        Pattern pathological = FilePatterns.like("%_".repeat(19) + "!");
        String name = "a".repeat(4096);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThat(pathological.matches(name)).isFalse());
    }

    @Test
    void expandsComponentsAndWalksDoublePercent() {
        assertThat(FilePatterns.paths(root, like("/etc/%"))).containsExactly("/etc/Group", "/etc/passwd", "/etc/ssh");
        assertThat(FilePatterns.paths(root, like("/etc/g%"))).containsExactly("/etc/Group");
        assertThat(FilePatterns.paths(root, like("/%/ssh/%_config"))).containsExactly("/etc/ssh/sshd_config");
        assertThat(FilePatterns.paths(root, like("/var/%%"))).containsExactlyInAnyOrder("/var/log", "/var/log/syslog",
                "/var/log/apt", "/var/log/apt/history.log");
        // candidates: the file table keeps those that exist
        assertThat(FilePatterns.paths(root, like("/%%/history.log"))).contains("/var/log/apt/history.log", "/etc/history.log");
        assertThat(FilePatterns.paths(root, like("/nope/%"))).isEmpty();
    }

    @Test
    void aWalkDoesNotFollowLinks() throws Exception {
        Files.createSymbolicLink(dir.resolve("var/log/loop"), Path.of(".."));
        Files.createSymbolicLink(dir.resolve("var/log/etc"), Path.of("/etc"));
        assertThat(FilePatterns.paths(root, like("/var/%%"))).containsExactlyInAnyOrder("/var/log", "/var/log/syslog",
                "/var/log/apt", "/var/log/apt/history.log", "/var/log/loop", "/var/log/etc");
    }

    @Test
    void anExpansionPastTheLimitIsANamedError() {
        assertThat(FilePatterns.paths(root, like("/%%"), 11)).hasSize(11);
        assertThatThrownBy(() -> FilePatterns.paths(root, like("/%%"), 10)).isInstanceOf(InvalidConstraintException.class)
                .hasMessageContaining("'/%%'").hasMessageContaining("more than 10 paths");
        assertThatThrownBy(() -> FilePatterns.paths(root, like("/%/%"), 3)).isInstanceOf(InvalidConstraintException.class)
                .hasMessageContaining("'/%/%'").hasMessageContaining("more than 3 paths");
        QueryContext directory = new QueryContext(FileTable.SPEC, List.of(Constraint.of("directory", Operator.EQ, "/etc")), null);
        assertThat(FilePatterns.paths(root, directory, 3)).containsExactly("/etc/Group", "/etc/passwd", "/etc/ssh");
        assertThatThrownBy(() -> FilePatterns.paths(root, directory, 2)).isInstanceOf(InvalidConstraintException.class)
                .hasMessageContaining("'/etc'").hasMessageContaining("more than 2 entries");
    }

    @Test
    void anExpansionEndsWithItsQuery() {
        AtomicInteger checks = new AtomicInteger();
        QueryContext cancelledSoon = new QueryContext(FileTable.SPEC, List.of(Constraint.of("path", Operator.LIKE, "/%%")), null,
                () -> checks.incrementAndGet() > 3);
        assertThatThrownBy(() -> FilePatterns.paths(root, cancelledSoon)).isInstanceOf(QueryCancelledException.class);
    }

    @Test
    void constraintsMustBeAbsolutePathsWithoutNul() {
        assertThatThrownBy(() -> FilePatterns.paths(root, like("etc/%"))).isInstanceOf(InvalidConstraintException.class)
                .hasMessage("path must be an absolute path, got 'etc/%'");
        assertThatThrownBy(() -> FilePatterns.paths(root, like("/etc/\0%"))).isInstanceOf(InvalidConstraintException.class)
                .hasMessage("path must not contain a NUL character");
    }
}
