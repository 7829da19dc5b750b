package dev.hostquery.query.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Bearer tokens from a file that stores only their SHA-256 hashes: one token per line,
 * {@code <sha256-hex> <name> <role>[,<role>…]}; blank lines and {@code #} comments are skipped. A token is 32 or
 * more random bytes, so a plain SHA-256 suffices (no password stretching): the file is useless to whoever reads it.
 *
 * <p>The file is read again when its modification time or size changes, checked at most once a second when a
 * token is looked up: new tokens work and revoked ones stop working without a restart. A line that is wrong is
 * logged with its number (never its content) and skipped; a file that cannot be read keeps the tokens read last.
 */
public final class TokensFile {
    private static final Logger LOG = Logger.getLogger(TokensFile.class);
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}");
    private static final long CHECK_NANOS = 1_000_000_000L;

    /** A token's name and roles. */
    public record Entry(String name, Set<String> roles) {
    }

    private final Path file;
    private final Predicate<String> knownRole;
    private volatile Map<String, Entry> byHash = Map.of();
    private volatile long lastModified = Long.MIN_VALUE;
    private volatile long size = -1;
    private volatile long checkedAt;

    /**
     * Reads the file once.
     *
     * @param knownRole which role names exist; a line naming another is refused
     * @throws IllegalStateException when the file cannot be read at all (missing, not a file, unreadable)
     */
    public TokensFile(Path file, Predicate<String> knownRole) {
        this.file = file;
        this.knownRole = knownRole;
        try {
            reload();
        } catch (IOException e) {
            throw new IllegalStateException("hostquery.security.tokens-file " + file + " cannot be read: " + reason(e), e);
        }
        checkedAt = System.nanoTime();
    }

    /** The entry of this token, if the file holds its hash. */
    public Optional<Entry> find(String token) {
        long now = System.nanoTime();
        if (now - checkedAt > CHECK_NANOS) {
            checkedAt = now;
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                if (a.lastModifiedTime().toMillis() != lastModified || a.size() != size) {
                    reload();
                }
            } catch (IOException e) {
                LOG.warnf("tokens file %s cannot be read (%s): the tokens read before stay in use", file, reason(e));
            }
        }
        return Optional.ofNullable(byHash.get(sha256(token)));
    }

    /** How many tokens the file holds now. */
    public int size() {
        return byHash.size();
    }

    private synchronized void reload() throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            throw new IOException("not a regular file");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Entry> entries = new HashMap<>();
        int bad = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String problem = parse(line, entries);
            if (problem != null) {
                bad++;
                LOG.errorf("tokens file %s, line %d: %s; the line is skipped", file, i + 1, problem);
            }
        }
        byHash = Map.copyOf(entries);
        lastModified = a.lastModifiedTime().toMillis();
        size = a.size();
        LOG.infof("tokens file %s: %d tokens%s", file, entries.size(), bad == 0 ? "" : ", " + bad + " bad lines skipped");
    }

    private String parse(String line, Map<String, Entry> entries) {
        String[] fields = line.split("\\s+");
        if (fields.length != 3) {
            return "expected 3 fields (<sha256-hex> <name> <roles>), found " + fields.length;
        }
        String hash = fields[0].toLowerCase(java.util.Locale.ROOT);
        if (hash.startsWith("sha256:")) {
            hash = hash.substring("sha256:".length());
        }
        if (!HASH.matcher(hash).matches()) {
            return "the first field is not a SHA-256 hash in hex (64 hex digits): store the token's hash, never the token";
        }
        if (!NAME.matcher(fields[1]).matches()) {
            return "the name must be 1 to 128 of letters, digits and . _ @ : - (starting with a letter or digit)";
        }
        Set<String> roles = new LinkedHashSet<>();
        for (String role : fields[2].split(",")) {
            if (!knownRole.test(role)) {
                return "unknown role '" + role + "' (built in: reader, sensitive, events, admin; or hostquery.security.roles.*)";
            }
            roles.add(role);
        }
        if (entries.containsKey(hash)) {
            return "the same token hash appears twice";
        }
        entries.put(hash, new Entry(fields[1], Set.copyOf(roles)));
        return null;
    }

    /** SHA-256 of the token's UTF-8 bytes, in lower-case hex: what the file stores. */
    public static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static String reason(IOException e) {
        return e instanceof NoSuchFileException ? "no such file" : e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
