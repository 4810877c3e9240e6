package dev.hyperbundle.bus;

/**
 * A device's window on a bus (Firecracker's {@code BusDevice}): accesses arrive with the offset from
 * the start of the range the device registered. Sizes are 1, 2 or 4 bytes (8 on MMIO). Values are
 * little-endian, in the low {@code size * 8} bits.
 *
 * <p>Accesses come from the vCPU thread that executed the guest instruction, never concurrently with
 * each other or with the machine's timers and posted tasks. Implementations must not throw for any
 * offset, size or value the guest can produce: do what the hardware does (reads of nothing return all
 * ones, writes to read-only registers are dropped). The bus still catches a stray exception, logs it
 * once and goes on, so that a device bug cannot crash the VMM.
 */
public interface BusDevice {
    long read(long offset, int size);

    void write(long offset, int size, long value);
}
