package dev.hyperbundle.virtio.testkit;

import dev.hyperbundle.memory.GuestMemory;
import java.util.concurrent.atomic.AtomicInteger;

/** Guest memory that counts every access a device attempts outside RAM (which then throws as usual). */
public final class GuardedMemory implements GuestMemory {
    private final GuestMemory ram;
    public final AtomicInteger outside = new AtomicInteger();

    public GuardedMemory(GuestMemory ram) {
        this.ram = ram;
    }

    private void check(long address, long length) {
        if (!ram.isMapped(address, length)) {
            outside.incrementAndGet();
        }
    }

    @Override
    public boolean isMapped(long address, long length) {
        return ram.isMapped(address, length);
    }

    @Override
    public int read8(long a) {
        check(a, 1);
        return ram.read8(a);
    }

    @Override
    public int read16(long a) {
        check(a, 2);
        return ram.read16(a);
    }

    @Override
    public int read32(long a) {
        check(a, 4);
        return ram.read32(a);
    }

    @Override
    public long read64(long a) {
        check(a, 8);
        return ram.read64(a);
    }

    @Override
    public void write8(long a, int v) {
        check(a, 1);
        ram.write8(a, v);
    }

    @Override
    public void write16(long a, int v) {
        check(a, 2);
        ram.write16(a, v);
    }

    @Override
    public void write32(long a, int v) {
        check(a, 4);
        ram.write32(a, v);
    }

    @Override
    public void write64(long a, long v) {
        check(a, 8);
        ram.write64(a, v);
    }

    @Override
    public void read(long a, byte[] dst, int off, int len) {
        check(a, len);
        ram.read(a, dst, off, len);
    }

    @Override
    public void write(long a, byte[] src, int off, int len) {
        check(a, len);
        ram.write(a, src, off, len);
    }
}
