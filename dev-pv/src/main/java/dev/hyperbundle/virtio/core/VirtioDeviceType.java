package dev.hyperbundle.virtio.core;

/** Virtio device ids (VIRTIO 1.2, 5) with the legacy PCI device ids of transitional devices (4.1.2.1). */
public enum VirtioDeviceType {
    NET(1, 0x1000, 0x020000),
    BLOCK(2, 0x1001, 0x010000),
    CONSOLE(3, 0x1003, 0x078000),
    ENTROPY(4, 0x1005, 0x00ff00);

    private final int id;
    private final int transitionalPciId;
    private final int pciClass;

    VirtioDeviceType(int id, int transitionalPciId, int pciClass) {
        this.id = id;
        this.transitionalPciId = transitionalPciId;
        this.pciClass = pciClass;
    }

    public int id() {
        return id;
    }

    public int transitionalPciId() {
        return transitionalPciId;
    }

    public int pciClass() {
        return pciClass;
    }
}
