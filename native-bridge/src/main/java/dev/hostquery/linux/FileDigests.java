package dev.hostquery.linux;

import static java.util.Objects.requireNonNull;

import dev.hostquery.api.QueryCancelledException;
import dev.hostquery.api.QueryContext;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * MD5, SHA-1 and SHA-256 of a file's content in one read (for the hash table and file_events). Only regular files
 * are read, opened non-blocking ({@link HostRoot#openRegular}), so a FIFO or a device never blocks the reader.
 */
public final class FileDigests {
    /** Bytes read and digested between two cancellation checks. */
    static final int CHUNK = 64 * 1024;

    private FileDigests() {
    }

    /**
     * The wanted digests of a file as lower-case hex, each null where not wanted.
     */
    public record Digests(String md5, String sha1, String sha256) {
    }

    /**
     * The wanted digests of a host file (resolved inside {@code root}, links followed inside it), read in chunks
     * of 64 KiB with {@link QueryContext#checkCancelled()} before each, so that hashing a large file stops with
     * its query.
     *
     * @return empty when the file cannot be read or is not a regular file
     * @throws QueryCancelledException once the query has ended
     */
    public static Optional<Digests> digest(HostRoot root, String absolute, boolean md5, boolean sha1, boolean sha256,
            QueryContext context) {
        requireNonNull(context, "context is null");
        try (HostRoot.RegularFile file = root.openRegular(absolute).orElse(null)) {
            return file == null ? Optional.empty() : digest(file, md5, sha1, sha256, context::checkCancelled);
        }
    }

    /**
     * The wanted digests of a file of this process's file system as lower-case hex: {md5, sha1, sha256}, null
     * where not wanted. Never cancelled: for file_events, which hashes a file when it changes.
     *
     * @return null when the file cannot be read or is not a regular file
     */
    public static String[] digest(Path file, boolean md5, boolean sha1, boolean sha256) {
        try (HostRoot.RegularFile opened = HostRoot.openRegular(file).orElse(null)) {
            if (opened == null) {
                return null;
            }
            return digest(opened, md5, sha1, sha256, () -> { })
                    .map(d -> new String[] {d.md5(), d.sha1(), d.sha256()}).orElse(null);
        }
    }

    private static Optional<Digests> digest(HostRoot.RegularFile file, boolean md5, boolean sha1, boolean sha256,
            Runnable checkCancelled) {
        MessageDigest[] digests;
        try {
            digests = new MessageDigest[] {md5 ? MessageDigest.getInstance("MD5") : null,
                sha1 ? MessageDigest.getInstance("SHA-1") : null, sha256 ? MessageDigest.getInstance("SHA-256") : null};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks a standard digest: " + e.getMessage(), e);
        }
        byte[] buffer = new byte[CHUNK];
        try {
            for (;;) {
                checkCancelled.run();
                int n = file.read(buffer);
                if (n <= 0) {
                    break;
                }
                for (MessageDigest d : digests) {
                    if (d != null) {
                        d.update(buffer, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            return Optional.empty(); // EIO and the like: unreadable, as a file that cannot be opened
        }
        String[] hex = new String[3];
        for (int i = 0; i < 3; i++) {
            hex[i] = digests[i] == null ? null : HexFormat.of().formatHex(digests[i].digest());
        }
        return Optional.of(new Digests(hex[0], hex[1], hex[2]));
    }
}
