package dev.hyperbundle.testkit;

import dev.hyperbundle.memory.GuestMemory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The guest memory a {@link DeviceTestContext} hands its device: counts every access the device attempts
 * outside mapped memory, then lets it fail (or succeed) exactly as the real memory does.
 */
final class GuardedMemory implements GuestMemory {
    private final GuestMemory memory;
    private final AtomicInteger unmapped = new AtomicInteger();

    GuardedMemory(GuestMemory memory) {
        this.memory = memory;
    }

    int unmappedAccesses() {
        return unmapped.get();
    }

    private GuestMemory at(long address, long length) {
        if (!memory.isMapped(address, length)) {
            unmapped.incrementAndGet();
        }
        return memory;
    }

    @Override
    public boolean isMapped(long address, long length) {
        return memory.isMapped(address, length);
    }

    @Override
    public int read8(long a) {
        return at(a, 1).read8(a);
    }

    @Override
    public int read16(long a) {
        return at(a, 2).read16(a);
    }

    @Override
    public int read32(long a) {
        return at(a, 4).read32(a);
    }

    @Override
    public long read64(long a) {
        return at(a, 8).read64(a);
    }

    @Override
    public void write8(long a, int v) {
        at(a, 1).write8(a, v);
    }

    @Override
    public void write16(long a, int v) {
        at(a, 2).write16(a, v);
    }

    @Override
    public void write32(long a, int v) {
        at(a, 4).write32(a, v);
    }

    @Override
    public void write64(long a, long v) {
        at(a, 8).write64(a, v);
    }

    @Override
    public void read(long a, byte[] dst, int off, int len) {
        at(a, len).read(a, dst, off, len);
    }

    @Override
    public void write(long a, byte[] src, int off, int len) {
        at(a, len).write(a, src, off, len);
    }
}
