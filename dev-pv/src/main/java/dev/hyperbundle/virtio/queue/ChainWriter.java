package dev.hyperbundle.virtio.queue;

import dev.hyperbundle.memory.GuestMemory;
import java.util.List;

/** Writes the device-writable part of a chain as one byte stream; {@link #position()} is the used length. */
public final class ChainWriter extends ChainCursor {
    private final GuestMemory memory;

    ChainWriter(GuestMemory memory, List<BufferSegment> segments) {
        super(segments);
        this.memory = memory;
    }

    /** Writes up to len bytes; returns how many fitted. */
    public int write(byte[] src, int off, int len) {
        return transfer(src, off, len);
    }

    public int write(byte[] src) {
        return write(src, 0, src.length);
    }

    @Override
    void copy(long address, byte[] b, int off, int len) {
        memory.write(address, b, off, len);
    }
}
