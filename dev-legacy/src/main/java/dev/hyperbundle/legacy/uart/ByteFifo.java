package dev.hyperbundle.legacy.uart;

/** A small ring buffer of bytes (the 16550's 16-byte receive FIFO). Not thread-safe: vCPU thread only. */
final class ByteFifo {
    static final int DEPTH = 16;

    private final byte[] data = new byte[DEPTH];
    private int head;
    private int count;

    int size() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Adds b if there is room for it under the given capacity (1 while FIFOs are off); false when full. */
    boolean push(int b, int capacity) {
        if (count >= Math.min(capacity, DEPTH)) {
            return false;
        }
        data[(head + count) % DEPTH] = (byte) b;
        count++;
        return true;
    }

    /** The oldest byte, or -1 when empty. */
    int pop() {
        if (count == 0) {
            return -1;
        }
        int b = data[head] & 0xff;
        head = (head + 1) % DEPTH;
        count--;
        return b;
    }

    /** The oldest byte without removing it, or -1. */
    int peek() {
        return count == 0 ? -1 : data[head] & 0xff;
    }

    void clear() {
        head = 0;
        count = 0;
    }

    /** The contents, oldest first. */
    byte[] toArray() {
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            out[i] = data[(head + i) % DEPTH];
        }
        return out;
    }

    void load(byte[] bytes) {
        clear();
        for (byte b : bytes) {
            push(b & 0xff, DEPTH);
        }
    }
}
