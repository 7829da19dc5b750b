package dev.hostquery.linux.audit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A syscall-exit rule ({@code -a always,exit -F arch=b64 -S … -k key}) as struct audit_rule_data of
 * linux/audit.h: flags, action, field count, the syscall bitmask (64 words), fields, values and field flags
 * (64 each), the length of the string buffer, then the key.
 *
 * @param syscalls syscall numbers of the native architecture
 * @param key      the rule's key, which marks hostquery's rules so they can be found and removed
 */
public record AuditRule(int[] syscalls, String key) {
    static final int AUDIT_FILTER_EXIT = 0x04;
    static final int AUDIT_ALWAYS = 2;
    static final int AUDIT_ARCH = 11;
    static final int AUDIT_FILTERKEY = 210;
    static final int AUDIT_EQUAL = 0x40000000;
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    static final int AUDIT_ARCH_AARCH64 = 0xC00000B7;
    static final int FIXED_SIZE = 4 * (3 + 64 * 4 + 1);

    /** The audit architecture of this JVM. @throws IllegalStateException on an architecture without one here */
    public static int nativeArch() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> AUDIT_ARCH_X86_64;
            case "aarch64" -> AUDIT_ARCH_AARCH64;
            default -> throw new IllegalStateException("no audit architecture for " + System.getProperty("os.arch"));
        };
    }

    byte[] encode() {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(FIXED_SIZE + keyBytes.length).order(ByteOrder.nativeOrder());
        b.putInt(0, AUDIT_FILTER_EXIT).putInt(4, AUDIT_ALWAYS).putInt(8, 2);
        for (int syscall : syscalls) {
            int word = 12 + 4 * (syscall / 32);
            b.putInt(word, b.getInt(word) | (1 << (syscall % 32)));
        }
        int fields = 12 + 4 * 64;
        int values = fields + 4 * 64;
        int flags = values + 4 * 64;
        b.putInt(fields, AUDIT_ARCH).putInt(values, nativeArch()).putInt(flags, AUDIT_EQUAL);
        b.putInt(fields + 4, AUDIT_FILTERKEY).putInt(values + 4, keyBytes.length).putInt(flags + 4, AUDIT_EQUAL);
        b.putInt(flags + 4 * 64, keyBytes.length);
        b.put(FIXED_SIZE, keyBytes);
        return b.array();
    }

    /** The key of a listed rule (its AUDIT_FILTERKEY string), or null. */
    public static String keyOf(byte[] rule) {
        if (rule.length < FIXED_SIZE) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(rule).order(ByteOrder.nativeOrder());
        int count = Math.min(b.getInt(8), 64);
        int fields = 12 + 4 * 64;
        int values = fields + 4 * 64;
        int offset = FIXED_SIZE;
        for (int i = 0; i < count; i++) {
            int field = b.getInt(fields + 4 * i);
            if (field == AUDIT_FILTERKEY || isString(field)) {
                int length = b.getInt(values + 4 * i);
                if (field == AUDIT_FILTERKEY && offset + length <= rule.length) {
                    return new String(rule, offset, length, StandardCharsets.UTF_8);
                }
                offset += length;
            }
        }
        return null;
    }

    /** Fields whose value lives in the string buffer (security labels, watches, paths, keys, exe). */
    private static boolean isString(int field) {
        return (field >= 13 && field <= 17) || (field >= 19 && field <= 23) || field == 105 || field == 107 || field == 112;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditRule r && Arrays.equals(syscalls, r.syscalls) && key.equals(r.key);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(syscalls) + key.hashCode();
    }

    @Override
    public String toString() {
        return "AuditRule" + Arrays.toString(syscalls) + " key=" + key;
    }
}
