package dev.hyperbundle.memory;

/**
 * Guest physical memory as devices see it (the consumer-side API of rust-vmm vm-memory): little-endian
 * reads and writes at guest physical addresses, every one checked against the RAM and ROM regions.
 * An access that is not entirely inside one region throws {@link GuestMemoryException}; a device that
 * gets one from a guest-supplied address treats it as the guest's error (e.g. virtio NEEDS_RESET).
 * Writes to ROM are ignored, as on hardware. Every write marks the pages it touches as written
 * (see {@link WriteTracker}). Devices never learn how the memory is mapped.
 */
public interface GuestMemory {
    int PAGE_SHIFT = 12;
    int PAGE_SIZE = 1 << PAGE_SHIFT;

    /** True when [address, address + length) lies entirely inside one RAM or ROM region. */
    boolean isMapped(long address, long length);

    int read8(long address);

    int read16(long address);

    int read32(long address);

    long read64(long address);

    void write8(long address, int value);

    void write16(long address, int value);

    void write32(long address, int value);

    void write64(long address, long value);

    /** Copies length bytes from guest memory into dst[offset...]. */
    void read(long address, byte[] dst, int offset, int length);

    /** Copies length bytes from src[offset...] into guest memory. */
    void write(long address, byte[] src, int offset, int length);

    default byte[] read(long address, int length) {
        byte[] b = new byte[length];
        read(address, b, 0, length);
        return b;
    }

    default void write(long address, byte[] src) {
        write(address, src, 0, src.length);
    }
}
