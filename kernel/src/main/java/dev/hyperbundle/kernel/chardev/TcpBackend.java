package dev.hyperbundle.kernel.chardev;

import dev.hyperbundle.chardev.CharBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP server on 127.0.0.1: one client at a time is the terminal of the guest's port (like QEMU
 * {@code -serial tcp::PORT,server,nowait}). Output while no client is attached is dropped.
 */
final class TcpBackend implements CharBackend {
    private final ServerSocket server;
    private final QueuedInput input = new QueuedInput();
    private volatile OutputStream client;
    private volatile boolean closed;

    TcpBackend(int port) throws IOException {
        server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("chardev-tcp-" + port).start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try (Socket s = server.accept()) {
                s.setTcpNoDelay(true);
                client = s.getOutputStream();
                InputStream in = s.getInputStream();
                byte[] buffer = new byte[256];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    input.offer(buffer, n);
                }
            } catch (IOException e) {
                // Client gone or server closed; wait for the next one.
            } finally {
                client = null;
            }
        }
    }

    @Override
    public void write(int b) {
        OutputStream c = client;
        if (c != null) {
            try {
                c.write(b);
            } catch (IOException e) {
                client = null;
            }
        }
    }

    @Override
    public void write(byte[] b, int offset, int length) {
        OutputStream c = client;
        if (c != null) {
            try {
                c.write(b, offset, length);
            } catch (IOException e) {
                client = null;
            }
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public int read() {
        return input.read();
    }

    @Override
    public void setInputListener(Runnable listener) {
        input.setListener(listener);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
