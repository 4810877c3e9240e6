package dev.hyperbundle.testkit;

import dev.hyperbundle.chardev.CharBackend;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * A {@link CharBackend} in memory, for device tests: what the device writes is collected, host input is
 * queued by the test with {@link #type}. Strings map one char to one byte (ISO-8859-1), so a test can send
 * and expect any byte value 0-255. Thread-safe: a device may write from its own thread.
 */
public final class MemoryCharBackend implements CharBackend {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final ArrayDeque<Integer> input = new ArrayDeque<>();
    private volatile Runnable listener = () -> { };
    private int flushes;
    private boolean closed;

    /**
     * Host input arrives: each char (0-255) is queued as one byte, then the input listener hears of it, as
     * a terminal thread would call it (here on the caller's thread).
     *
     * @throws IllegalArgumentException if a char is above 0xFF
     */
    public void type(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xff) {
                throw new IllegalArgumentException("char " + (int) text.charAt(i) + " is not one byte (ISO-8859-1)");
            }
        }
        type(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Host input arrives as raw bytes; then the input listener hears of it. */
    public void type(byte[] bytes) {
        synchronized (this) {
            for (byte b : bytes) {
                input.add(b & 0xff);
            }
        }
        listener.run();
    }

    /** Input bytes the device has not read yet. */
    public synchronized int pendingInput() {
        return input.size();
    }

    /** Everything the device wrote, one char per byte (ISO-8859-1). */
    public synchronized String output() {
        return output.toString(StandardCharsets.ISO_8859_1);
    }

    /** Everything the device wrote. */
    public synchronized byte[] outputBytes() {
        return output.toByteArray();
    }

    /** How many times the device called {@link #flush()}. */
    public synchronized int flushes() {
        return flushes;
    }

    /** True once {@link #close()} was called (the kernel closes a backend when its machine stops, not on a hot-swap). */
    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void write(int b) {
        output.write(b);
    }

    @Override
    public synchronized void flush() {
        flushes++;
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

    @Override
    public synchronized void close() {
        closed = true;
    }
}
