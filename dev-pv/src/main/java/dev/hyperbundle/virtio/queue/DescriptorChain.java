package dev.hyperbundle.virtio.queue;

import dev.hyperbundle.memory.GuestMemory;
import java.util.List;

/**
 * A validated descriptor chain (VIRTIO 1.2, 2.7.5): the head index to return in the used ring, the
 * device-readable buffers followed by the device-writable ones (2.7.4.2). Every segment lies inside
 * guest memory, so reading and writing through {@link #reader()} and {@link #writer()} cannot fault.
 */
public final class DescriptorChain {
    private final int head;
    private final List<BufferSegment> readable;
    private final List<BufferSegment> writable;
    private final GuestMemory memory;

    DescriptorChain(int head, List<BufferSegment> readable, List<BufferSegment> writable, GuestMemory memory) {
        this.head = head;
        this.readable = List.copyOf(readable);
        this.writable = List.copyOf(writable);
        this.memory = memory;
    }

    public int head() {
        return head;
    }

    public List<BufferSegment> readable() {
        return readable;
    }

    public List<BufferSegment> writable() {
        return writable;
    }

    public long readableLength() {
        return total(readable);
    }

    public long writableLength() {
        return total(writable);
    }

    private static long total(List<BufferSegment> segments) {
        long n = 0;
        for (BufferSegment s : segments) {
            n += s.length();
        }
        return n;
    }

    /** A cursor over the device-readable bytes, in chain order. */
    public ChainReader reader() {
        return new ChainReader(memory, readable);
    }

    /** A cursor over the device-writable bytes, in chain order. */
    public ChainWriter writer() {
        return new ChainWriter(memory, writable);
    }
}
