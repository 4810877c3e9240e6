package dev.hyperbundle.pci;

import java.util.ArrayList;
import java.util.List;

/**
 * PCI bus 0 of a machine: 32 device slots, function 0 each. The host bridge device (dev-legacy) decodes
 * configuration mechanism #1 and calls {@link #configRead}/{@link #configWrite}; PCI devices (virtio-pci
 * in dev-pv) {@link #plug} themselves in. The bus lives in the kernel so that either side can be
 * hot-swapped without unplugging the other.
 *
 * <p>Interrupt routing: INTA# of device d goes to {@code ROUTING[d % 4]}, the way a PC BIOS wires the
 * four PIRQ lines (SeaBIOS uses IRQs 10, 10, 11, 11); the interrupt controller should treat these as
 * level-triggered (ELCR).
 */
public final class PciBus {
    public static final int[] ROUTING = {10, 10, 11, 11};

    /** Windows the firmware-style allocator hands BARs from (below the e820 RAM limit's PCI hole). */
    public static final int IO_WINDOW_BASE = 0xc000, IO_WINDOW_END = 0x10000;
    public static final long MMIO_WINDOW_BASE = 0xe0000000L, MMIO_WINDOW_END = 0xfea00000L;

    private final PciFunction[] slots = new PciFunction[32];
    private final String[] owners = new String[32];
    private long nextIo = IO_WINDOW_BASE;
    private long nextMmio = MMIO_WINDOW_BASE;

    /**
     * Allocates a naturally aligned I/O BAR address, as a PC BIOS does before the OS starts (Linux with
     * {@code PCI_GODIRECT} and no BIOS keeps the addresses it finds).
     */
    public synchronized int allocateIo(int size) {
        long at = (nextIo + size - 1) & -(long) size;
        if (at + size > IO_WINDOW_END) {
            throw new IllegalStateException("PCI I/O window 0xc000-0xffff is full");
        }
        nextIo = at + size;
        return (int) at;
    }

    /** Allocates a naturally aligned 32-bit memory BAR address in the PCI hole. */
    public synchronized long allocateMmio(long size) {
        long at = (nextMmio + size - 1) & -size;
        if (at + size > MMIO_WINDOW_END) {
            throw new IllegalStateException("PCI memory window is full");
        }
        nextMmio = at + size;
        return at;
    }

    /** Plugs f into the first free slot from 1 up (slot 0 is the host bridge's). */
    public synchronized PciSlot plug(PciFunction f, String owner) {
        for (int d = 1; d < 32; d++) {
            if (slots[d] == null) {
                return plug(d, f, owner);
            }
        }
        throw new IllegalStateException("PCI bus 0 is full (32 slots); cannot plug " + owner);
    }

    /** Plugs f into slot device. */
    public synchronized PciSlot plug(int device, PciFunction f, String owner) {
        if (device < 0 || device >= 32) {
            throw new IllegalArgumentException("PCI slot " + device + " does not exist (0-31)");
        }
        if (slots[device] != null) {
            throw new IllegalArgumentException("PCI slot " + device + " is taken by " + owners[device] + "; cannot plug " + owner);
        }
        slots[device] = f;
        owners[device] = owner;
        return new PciSlot() {
            @Override
            public int device() {
                return device;
            }

            @Override
            public int irq() {
                return ROUTING[device % 4];
            }

            @Override
            public void close() {
                synchronized (PciBus.this) {
                    if (slots[device] == f) {
                        slots[device] = null;
                        owners[device] = null;
                    }
                }
            }
        };
    }

    /**
     * Unplugs every function plugged with this owner name. The kernel calls it with the device id when a
     * device instance goes away, so plug with {@code context.deviceId()} as the owner.
     */
    public synchronized void unplugOwner(String owner) {
        for (int d = 0; d < 32; d++) {
            if (owner.equals(owners[d])) {
                slots[d] = null;
                owners[d] = null;
            }
        }
    }

    private synchronized PciFunction at(int bus, int device, int function) {
        if (bus != 0 || function != 0 || device < 0 || device >= 32) {
            return null;
        }
        return slots[device];
    }

    /** A configuration read; all ones where no function answers (master abort). */
    public int configRead(int bus, int device, int function, int offset, int size) {
        PciFunction f = at(bus, device, function);
        if (f == null) {
            return size == 4 ? -1 : (1 << (size * 8)) - 1;
        }
        return f.configRead(offset & 0xff, size);
    }

    public void configWrite(int bus, int device, int function, int offset, int size, int value) {
        PciFunction f = at(bus, device, function);
        if (f != null) {
            f.configWrite(offset & 0xff, size, value);
        }
    }

    /** Occupied slots, "00.0 owner". */
    public synchronized List<String> describe() {
        List<String> out = new ArrayList<>();
        for (int d = 0; d < 32; d++) {
            if (slots[d] != null) {
                out.add(String.format("%02x.0 %s", d, owners[d]));
            }
        }
        return out;
    }
}
