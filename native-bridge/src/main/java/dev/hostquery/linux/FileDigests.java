package dev.hostquery.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** MD5, SHA-1 and SHA-256 of a file's content in one read (for the hash table and file_events). */
public final class FileDigests {
    private FileDigests() {
    }

    /**
     * The wanted digests of a file as lower-case hex: {md5, sha1, sha256}, null where not wanted.
     *
     * @return null when the file cannot be read
     */
    public static String[] digest(Path file, boolean md5, boolean sha1, boolean sha256) {
        MessageDigest[] digests;
        try {
            digests = new MessageDigest[] {md5 ? MessageDigest.getInstance("MD5") : null,
                sha1 ? MessageDigest.getInstance("SHA-1") : null, sha256 ? MessageDigest.getInstance("SHA-256") : null};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks a standard digest: " + e.getMessage(), e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (MessageDigest d : digests) {
                    if (d != null) {
                        d.update(buffer, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            return null;
        }
        String[] hex = new String[3];
        for (int i = 0; i < 3; i++) {
            hex[i] = digests[i] == null ? null : HexFormat.of().formatHex(digests[i].digest());
        }
        return hex;
    }
}
