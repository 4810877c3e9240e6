package dev.hyperbundle.virtio.testkit;

import dev.hyperbundle.chardev.CharBackend;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/** A CharBackend in memory: output is collected, input is queued by the test. */
public final class MemoryCharBackend implements CharBackend {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final ArrayDeque<Integer> input = new ArrayDeque<>();
    private Runnable listener = () -> { };

    @Override
    public synchronized void write(int b) {
        output.write(b);
    }

    @Override
    public void flush() {
    }

    @Override
    public synchronized int read() {
        Integer b = input.poll();
        return b == null ? -1 : b;
    }

    @Override
    public void setInputListener(Runnable listener) {
        this.listener = listener;
    }

    public void type(String text) {
        synchronized (this) {
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                input.add(b & 0xff);
            }
        }
        listener.run();
    }

    public synchronized int pendingInput() {
        return input.size();
    }

    public synchronized String output() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
    }
}
