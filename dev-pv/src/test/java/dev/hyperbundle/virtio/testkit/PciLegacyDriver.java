package dev.hyperbundle.virtio.testkit;

import dev.hyperbundle.bus.IoBus;
import dev.hyperbundle.pci.PciBus;

/** Linux's legacy virtio-pci driver (virtio_pci_legacy_dev.c) on the I/O BAR0 (4.1.4.8). */
public final class PciLegacyDriver implements VirtioDriver {
    private final IoBus ports;
    private final long io;

    public PciLegacyDriver(PciBus pci, IoBus ports, int slot) {
        this.ports = ports;
        this.io = Integer.toUnsignedLong(pci.configRead(0, slot, 0, 0x10, 4)) & ~3L;
        pci.configWrite(0, slot, 0, 0x04, 2, pci.configRead(0, slot, 0, 0x04, 2) | 4);
    }

    @Override
    public long deviceFeatures() {
        return ports.read(io, 4);
    }

    @Override
    public void writeDriverFeatures(long features) {
        ports.write(io + 4, 4, features & 0xffffffffL);
    }

    @Override
    public int status() {
        return (int) ports.read(io + 0x12, 1);
    }

    @Override
    public void writeStatus(int status) {
        ports.write(io + 0x12, 1, status);
    }

    @Override
    public int queueMaxSize(int queue) {
        ports.write(io + 0x0e, 2, queue);
        return (int) ports.read(io + 0x0c, 2);
    }

    /** Legacy queues have the device's size and the 4096-aligned layout; q must match. */
    @Override
    public void setupQueue(int queue, DriverQueue q) {
        ports.write(io + 0x0e, 2, queue);
        if (ports.read(io + 0x08, 4) != 0) {
            throw new AssertionError("queue " + queue + " already in use");
        }
        if (ports.read(io + 0x0c, 2) != q.size) {
            throw new AssertionError("legacy queue size must be the device's");
        }
        ports.write(io + 0x08, 4, q.desc >>> 12);
    }

    @Override
    public void notifyQueue(int queue) {
        ports.write(io + 0x10, 2, queue);
    }

    @Override
    public int takeInterrupt() {
        return (int) ports.read(io + 0x13, 1);
    }

    @Override
    public long readConfig(int offset, int size) {
        return ports.read(io + 0x14 + offset, size);
    }

    @Override
    public void writeConfig(int offset, int size, long value) {
        ports.write(io + 0x14 + offset, size, value);
    }

    @Override
    public boolean legacy() {
        return true;
    }
}
