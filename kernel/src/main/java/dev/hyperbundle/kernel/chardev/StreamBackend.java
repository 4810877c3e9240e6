package dev.hyperbundle.kernel.chardev;

import dev.hyperbundle.chardev.CharBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A backend over an output stream and an optional input stream read by a daemon thread: the terminal
 * (stdin/stdout) and files. Output errors are reported once and then dropped: a closed terminal must
 * not stop the guest.
 */
class StreamBackend implements CharBackend {
    private final OutputStream out;
    private final QueuedInput input = new QueuedInput();
    private final String name;
    private boolean outputFailed;
    private volatile boolean closed;

    StreamBackend(String name, OutputStream out, InputStream in) {
        this.name = name;
        this.out = out;
        if (in != null) {
            Thread reader = Thread.ofPlatform().daemon().name("chardev-" + name).unstarted(() -> pump(in));
            reader.start();
        }
    }

    private void pump(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            int n;
            while (!closed && (n = in.read(buffer)) > 0) {
                input.offer(buffer, n);
            }
        } catch (IOException e) {
            // End of input: the guest simply gets no more bytes.
        }
    }

    @Override
    public void write(int b) {
        try {
            out.write(b);
            if (b == '\n') {
                out.flush();
            }
        } catch (IOException e) {
            failed(e);
        }
    }

    @Override
    public void write(byte[] b, int offset, int length) {
        try {
            out.write(b, offset, length);
            out.flush();
        } catch (IOException e) {
            failed(e);
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            failed(e);
        }
    }

    private void failed(IOException e) {
        if (!outputFailed) {
            outputFailed = true;
            System.getLogger(StreamBackend.class.getName()).log(System.Logger.Level.WARNING,
                    "output to " + name + " failed, further output is dropped: " + e.getMessage());
        }
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
        flush();
    }
}
