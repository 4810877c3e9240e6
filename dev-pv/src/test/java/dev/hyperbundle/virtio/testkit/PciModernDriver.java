package dev.hyperbundle.virtio.testkit;

import dev.hyperbundle.bus.IoBus;
import dev.hyperbundle.pci.PciBus;

/**
 * Linux's modern virtio-pci driver (virtio_pci_modern_dev.c): walks the capability list for the common,
 * notify, ISR and device structures and reaches them through the memory BAR the firmware assigned.
 */
public final class PciModernDriver implements VirtioDriver {
    private final PciBus pci;
    private final IoBus mmio;
    private final int slot;
    private long common = -1, isr = -1, device = -1, notify = -1;
    private int notifyMultiplier;

    public PciModernDriver(PciBus pci, IoBus mmio, int slot) {
        this.pci = pci;
        this.mmio = mmio;
        this.slot = slot;
        pci.configWrite(0, slot, 0, 0x04, 2, pci.configRead(0, slot, 0, 0x04, 2) | 4); // pci_set_master
        int cap = pci.configRead(0, slot, 0, 0x34, 1);
        int guard = 0;
        while (cap != 0 && guard++ < 48) {
            if (pci.configRead(0, slot, 0, cap, 1) == 0x09) {
                int type = pci.configRead(0, slot, 0, cap + 3, 1);
                int bar = pci.configRead(0, slot, 0, cap + 4, 1);
                long offset = Integer.toUnsignedLong(pci.configRead(0, slot, 0, cap + 8, 4));
                long barBase = Integer.toUnsignedLong(pci.configRead(0, slot, 0, 0x10 + 4 * bar, 4)) & ~15L;
                switch (type) {
                    case 1 -> common = barBase + offset;
                    case 2 -> {
                        notify = barBase + offset;
                        notifyMultiplier = pci.configRead(0, slot, 0, cap + 16, 4);
                    }
                    case 3 -> isr = barBase + offset;
                    case 4 -> device = barBase + offset;
                    default -> { }
                }
            }
            cap = pci.configRead(0, slot, 0, cap + 1, 1);
        }
        if (common < 0 || notify < 0 || isr < 0 || device < 0) {
            throw new AssertionError("virtio-pci capabilities missing");
        }
    }

    private long c(int offset, int size) {
        return mmio.read(common + offset, size);
    }

    private void c(int offset, int size, long value) {
        mmio.write(common + offset, size, value);
    }

    @Override
    public long deviceFeatures() {
        c(0x00, 4, 1);
        long high = c(0x04, 4);
        c(0x00, 4, 0);
        return high << 32 | c(0x04, 4);
    }

    @Override
    public void writeDriverFeatures(long features) {
        c(0x08, 4, 0);
        c(0x0c, 4, features & 0xffffffffL);
        c(0x08, 4, 1);
        c(0x0c, 4, features >>> 32);
    }

    @Override
    public int status() {
        return (int) c(0x14, 1);
    }

    @Override
    public void writeStatus(int status) {
        c(0x14, 1, status);
    }

    public int numQueues() {
        return (int) c(0x12, 2);
    }

    public int configGeneration() {
        return (int) c(0x15, 1);
    }

    @Override
    public int queueMaxSize(int queue) {
        c(0x16, 2, queue);
        return (int) c(0x18, 2);
    }

    @Override
    public void setupQueue(int queue, DriverQueue q) {
        c(0x16, 2, queue);
        if (c(0x1c, 2) != 0) {
            throw new AssertionError("queue " + queue + " already enabled");
        }
        c(0x18, 2, q.size);
        c(0x20, 4, q.desc & 0xffffffffL);
        c(0x24, 4, q.desc >>> 32);
        c(0x28, 4, q.avail & 0xffffffffL);
        c(0x2c, 4, q.avail >>> 32);
        c(0x30, 4, q.used & 0xffffffffL);
        c(0x34, 4, q.used >>> 32);
        c(0x1c, 2, 1);
    }

    @Override
    public void notifyQueue(int queue) {
        c(0x16, 2, queue);
        long off = c(0x1e, 2);
        mmio.write(notify + off * notifyMultiplier, 2, queue);
    }

    @Override
    public int takeInterrupt() {
        return (int) mmio.read(isr, 1);
    }

    @Override
    public long readConfig(int offset, int size) {
        return mmio.read(device + offset, size);
    }

    @Override
    public void writeConfig(int offset, int size, long value) {
        mmio.write(device + offset, size, value);
    }

    @Override
    public boolean legacy() {
        return false;
    }
}
