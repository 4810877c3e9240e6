package dev.hyperbundle.pci;

/**
 * A PCI function's configuration space as the bus sees it (PCI Local Bus Specification 3.0, chapter 6).
 * Offsets are 0-255, sizes 1, 2 or 4, naturally aligned (the host bridge guarantees it).
 */
public interface PciFunction {
    int configRead(int offset, int size);

    void configWrite(int offset, int size, int value);
}
