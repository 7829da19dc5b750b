package dev.hostquery.linux;

/** Text forms of network addresses. */
public final class NetAddresses {
    private NetAddresses() {
    }

    /** RFC 5952 text of a 16-byte IPv6 address; an IPv4-mapped address ends in dotted IPv4 ({@code ::ffff:127.0.0.1}). */
    public static String ipv6(byte[] bytes) {
        boolean mapped = bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
        for (int i = 0; i < 10 && mapped; i++) {
            mapped = bytes[i] == 0;
        }
        if (mapped) {
            return "::ffff:" + (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "." + (bytes[14] & 0xff) + "." + (bytes[15] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
