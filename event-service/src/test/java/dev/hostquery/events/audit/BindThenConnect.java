package dev.hostquery.events.audit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Binds a socket to the loopback address, then connects it to the port given: run in a child process. */
public final class BindThenConnect {
    public static void main(String[] args) throws Exception {
        try (Socket client = new Socket()) {
            client.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])));
        }
    }
}
