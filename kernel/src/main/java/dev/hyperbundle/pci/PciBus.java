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

    private final PciFunction[] slots = new PciFunction[32];
    private final String[] owners = new String[32];

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
