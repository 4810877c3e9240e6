package dev.hyperbundle.virtio.testkit;

/** Hands out guest physical buffers from a bump pointer. */
public final class GuestAllocator {
    private long next;

    public GuestAllocator(long start) {
        this.next = start;
    }

    public long alloc(long size, long align) {
        long at = (next + align - 1) & -align;
        next = at + size;
        return at;
    }

    public long alloc(long size) {
        return alloc(size, 16);
    }
}
