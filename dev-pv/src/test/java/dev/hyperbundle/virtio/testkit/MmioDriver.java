package dev.hyperbundle.virtio.testkit;

import dev.hyperbundle.bus.IoBus;

/** The virtio-mmio driver of Linux (drivers/virtio/virtio_mmio.c), version 1 or 2. */
public final class MmioDriver implements VirtioDriver {
    private final IoBus bus;
    private final long base;

    public MmioDriver(IoBus bus, long base) {
        this.bus = bus;
        this.base = base;
    }

    public int reg(int offset) {
        return (int) bus.read(base + offset, 4);
    }

    public void reg(int offset, int value) {
        bus.write(base + offset, 4, Integer.toUnsignedLong(value));
    }

    public int version() {
        return reg(0x004);
    }

    @Override
    public long deviceFeatures() {
        reg(0x014, 1);
        long high = Integer.toUnsignedLong(reg(0x010));
        reg(0x014, 0);
        return high << 32 | Integer.toUnsignedLong(reg(0x010));
    }

    @Override
    public void writeDriverFeatures(long features) {
        reg(0x024, 1);
        reg(0x020, (int) (features >>> 32));
        reg(0x024, 0);
        reg(0x020, (int) features);
    }

    @Override
    public int status() {
        return reg(0x070);
    }

    @Override
    public void writeStatus(int status) {
        reg(0x070, status);
    }

    @Override
    public int queueMaxSize(int queue) {
        reg(0x030, queue);
        return reg(0x034);
    }

    @Override
    public void setupQueue(int queue, DriverQueue q) {
        reg(0x030, queue);
        if (reg(version() == 1 ? 0x040 : 0x044) != 0) {
            throw new AssertionError("queue " + queue + " already in use");
        }
        reg(0x038, q.size);
        if (version() == 1) {
            reg(0x03c, 4096);
            reg(0x040, (int) (q.desc >>> 12));
        } else {
            reg(0x080, (int) q.desc);
            reg(0x084, (int) (q.desc >>> 32));
            reg(0x090, (int) q.avail);
            reg(0x094, (int) (q.avail >>> 32));
            reg(0x0a0, (int) q.used);
            reg(0x0a4, (int) (q.used >>> 32));
            reg(0x044, 1);
        }
    }

    @Override
    public void notifyQueue(int queue) {
        reg(0x050, queue);
    }

    @Override
    public int takeInterrupt() {
        int s = reg(0x060);
        reg(0x064, s);
        return s;
    }

    @Override
    public long readConfig(int offset, int size) {
        return bus.read(base + 0x100 + offset, size);
    }

    @Override
    public void writeConfig(int offset, int size, long value) {
        bus.write(base + 0x100 + offset, size, value);
    }

    @Override
    public boolean legacy() {
        return version() == 1;
    }

    /** Legacy drivers must tell the page size first (4.2.4). */
    public void legacyPageSize() {
        reg(0x028, 4096);
    }
}
