package dev.hostquery.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP/1.1 keep-alive connection to the service on 127.0.0.1 from a chosen local address (127.0.0.1 for the
 * probe, 127.0.0.2 for attackers: the service shares its connections per client address), with a read timeout
 * on every exchange. Handles Content-Length and chunked bodies and keeps at most 4 MiB of a body; an event
 * stream's body is not read.
 */
final class LoopbackHttp implements AutoCloseable {
    static final String PROBE = "127.0.0.1";
    static final String ATTACKER = "127.0.0.2";
    private static final int KEPT_BODY = 4 << 20;
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern LIMIT = Pattern.compile("\"limit\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern FIRST_VALUE = Pattern.compile("\"rows\"\\s*:\\s*\\[\\s*\\{\\s*\"[^\"]*\"\\s*:\\s*(\"[^\"]*\"|[^,}\\]]*)");

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;
    private boolean open = true;

    /**
     * Connects from {@code local} (port chosen by the kernel) to 127.0.0.1:{@code port}.
     *
     * @param receiveBuffer SO_RCVBUF set before connecting, bytes; 0 for the default
     * @param timeoutMillis read timeout of every exchange
     */
    LoopbackHttp(String local, int port, int receiveBuffer, int timeoutMillis) throws IOException {
        socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        host = "127.0.0.1:" + port;
    }

    LoopbackHttp(String local, int port, int timeoutMillis) throws IOException {
        this(local, port, 0, timeoutMillis);
    }

    /** A response: status, the error code and limit of a problem document (or of a streamed result's error), the time taken. */
    record Answer(int status, String body, double millis) {
        String code() {
            Matcher m = CODE.matcher(body);
            return m.find() ? m.group(1) : null;
        }

        String limit() {
            Matcher m = LIMIT.matcher(body);
            return m.find() ? m.group(1) : null;
        }

        /** The first column of the first row, as JSON text, or null. */
        String firstValue() {
            Matcher m = FIRST_VALUE.matcher(body);
            return m.find() ? m.group(1).strip() : null;
        }

        /** "200", "422 limit_exceeded/memory", "200+error busy" (a streamed result that failed after its first rows). */
        String label() {
            String code = code();
            if (code == null) {
                return Integer.toString(status);
            }
            String limit = limit();
            return status + (status == 200 ? "+error " : " ") + code + (limit == null ? "" : "/" + limit);
        }

        boolean ok() {
            return status == 200 && code() == null;
        }
    }

    /** The JSON body of POST /v1/queries. */
    static byte[] query(String sql, long timeoutMillis, long maxResultBytes) {
        StringBuilder json = new StringBuilder("{\"sql\": \"").append(escape(sql)).append('"');
        if (timeoutMillis > 0 || maxResultBytes > 0) {
            json.append(", \"limits\": {");
            if (timeoutMillis > 0) {
                json.append("\"timeout_ms\": ").append(timeoutMillis);
            }
            if (maxResultBytes > 0) {
                json.append(timeoutMillis > 0 ? ", " : "").append("\"max_result_bytes\": ").append(maxResultBytes);
            }
            json.append('}');
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] query(String sql, long timeoutMillis) {
        return query(sql, timeoutMillis, 0);
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Writes the head of a POST with a JSON body of {@code contentLength} bytes, and nothing else. */
    void sendPostHead(String path, long contentLength) throws IOException {
        out.write(("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: "
                + contentLength + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Writes raw bytes (part of a body). */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** POSTs a JSON body and reads the whole response. */
    Answer post(String path, byte[] body) throws IOException {
        long t0 = System.nanoTime();
        sendPostHead(path, body.length);
        sendRaw(body);
        return read(t0);
    }

    /** Sends a GET; reads the body unless it is an event stream. */
    Answer get(String path) throws IOException {
        long t0 = System.nanoTime();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/event-stream, application/json\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read(t0);
    }

    /** Reads one response; returns a status of 0 and no body if the server closed the connection first. */
    Answer read(long t0) throws IOException {
        String status = line();
        if (status == null) {
            open = false;
            return new Answer(0, "", (System.nanoTime() - t0) / 1e6);
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        long length = -1;
        boolean chunked = false;
        boolean stream = false;
        for (String header = line(); header != null && !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                open = false;
            } else if (lower.startsWith("content-type:") && lower.contains("event-stream")) {
                stream = true;
            }
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        if (stream) {
            open = false;
        } else if (chunked) {
            for (long size = chunkSize(); size > 0; size = chunkSize()) {
                keep(content, size);
                line();
            }
            line();
        } else if (length > 0) {
            keep(content, length);
        } else if (length < 0) {
            open = false;
        }
        return new Answer(code, content.toString(StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1e6);
    }

    private long chunkSize() throws IOException {
        String line = line();
        if (line == null) {
            throw new IOException("connection closed inside a chunked body");
        }
        return Long.parseLong(line.split(";")[0].strip(), 16);
    }

    private void keep(ByteArrayOutputStream content, long bytes) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        for (long left = bytes; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("connection closed inside a body");
            }
            if (content.size() < KEPT_BODY) {
                content.write(buffer, 0, n);
            }
            left -= n;
        }
    }

    /** A header line without its CRLF; null if the connection ended before any byte of it. */
    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                if (sb.isEmpty()) {
                    return null;
                }
                throw new IOException("connection closed inside a header");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /** Whether the connection may carry another request. */
    boolean reusable() {
        return open && !socket.isClosed();
    }

    /** Bytes received and not read yet. */
    int unread() throws IOException {
        return in.available();
    }

    void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
