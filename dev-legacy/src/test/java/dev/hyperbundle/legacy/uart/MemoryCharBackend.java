package dev.hyperbundle.legacy.uart;

import dev.hyperbundle.chardev.CharBackend;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;

/** An in-memory host stream for tests: output is collected, input is queued by {@link #type}. */
public final class MemoryCharBackend implements CharBackend {
    public final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final ArrayDeque<Integer> input = new ArrayDeque<>();
    private Runnable listener = () -> { };
    public int flushes;

    /** Host input arrives: queued, then the listener hears of it (as a terminal thread would call it). */
    public void type(String s) {
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)) {
            input.add(b & 0xff);
        }
        listener.run();
    }

    public int waiting() {
        return input.size();
    }

    public String outputString() {
        return output.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Override
    public void write(int b) {
        output.write(b);
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public int read() {
        Integer b = input.poll();
        return b == null ? -1 : b;
    }

    @Override
    public void setInputListener(Runnable listener) {
        this.listener = listener;
    }

    @Override
    public void close() {
    }
}
