package dev.hyperbundle.virtio.queue;

import dev.hyperbundle.memory.GuestMemory;
import java.util.List;

/** Reads the device-readable part of a chain as one byte stream. */
public final class ChainReader extends ChainCursor {
    private final GuestMemory memory;

    ChainReader(GuestMemory memory, List<BufferSegment> segments) {
        super(segments);
        this.memory = memory;
    }

    /** Reads up to len bytes; returns how many were read (less only at the end of the chain). */
    public int read(byte[] dst, int off, int len) {
        return transfer(dst, off, len);
    }

    /** Reads exactly n bytes, or returns null (and consumes what there was) when the chain is shorter. */
    public byte[] readExactly(int n) {
        byte[] b = new byte[n];
        return read(b, 0, n) == n ? b : null;
    }

    @Override
    void copy(long address, byte[] b, int off, int len) {
        memory.read(address, b, off, len);
    }
}
