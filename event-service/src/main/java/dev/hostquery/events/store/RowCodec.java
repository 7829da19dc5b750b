package dev.hostquery.events.store;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes an event row for the store: a value count, then per value a tag byte (0 null, 1 long, 2 double,
 * 3 UTF-8 text, 4 bytes) and its payload. Stable on disk: add tags, never renumber them.
 */
final class RowCodec {
    private RowCodec() {
    }

    static byte[] encode(Object[] values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + values.length * 8);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(values.length);
            for (Object v : values) {
                switch (v) {
                    case null -> out.writeByte(0);
                    case Long l -> {
                        out.writeByte(1);
                        out.writeLong(l);
                    }
                    case Double d -> {
                        out.writeByte(2);
                        out.writeDouble(d);
                    }
                    case String s -> {
                        byte[] b = s.getBytes(StandardCharsets.UTF_8);
                        out.writeByte(3);
                        out.writeInt(b.length);
                        out.write(b);
                    }
                    case byte[] b -> {
                        out.writeByte(4);
                        out.writeInt(b.length);
                        out.write(b);
                    }
                    default -> throw new IllegalArgumentException("cannot store a " + v.getClass().getName());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes a stored row; the array has as many values as were stored. */
    static Object[] decode(byte[] data) {
        Object[] values;
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
            int n = in.readUnsignedShort();
            values = new Object[n];
            for (int i = 0; i < n; i++) {
                int tag = in.readByte();
                Object v = switch (tag) {
                    case 0 -> null;
                    case 1 -> in.readLong();
                    case 2 -> in.readDouble();
                    case 3, 4 -> {
                        byte[] b = new byte[in.readInt()];
                        in.readFully(b);
                        yield tag == 3 ? new String(b, StandardCharsets.UTF_8) : b;
                    }
                    default -> throw new IOException("unknown value tag " + tag);
                };
                values[i] = v;
            }
        } catch (IOException e) {
            throw new IllegalStateException("corrupt stored event: " + e.getMessage(), e);
        }
        return values;
    }
}
