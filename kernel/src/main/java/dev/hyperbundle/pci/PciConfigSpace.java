package dev.hyperbundle.pci;

import java.util.Arrays;

/**
 * A type-0 configuration header (PCI Local Bus Specification 3.0, 6.1-6.2) with BAR sizing, a
 * capability list and the interrupt registers, for devices to build on. Reads of unimplemented
 * registers return 0; writes only change bits the header declares writable.
 *
 * <p>BAR sizing (6.2.5.1): software writes all ones and reads back the size mask; the low bits keep the
 * BAR's type. When a BAR or the command register changes, {@link BarListener#barChanged} tells the device
 * to move its bus registration (or drop it while decoding is off).
 */
public class PciConfigSpace implements PciFunction {
    public static final int VENDOR_ID = 0x00, DEVICE_ID = 0x02, COMMAND = 0x04, STATUS = 0x06, REVISION = 0x08,
            CLASS_PROG = 0x09, HEADER_TYPE = 0x0e, BAR0 = 0x10, SUBSYSTEM_VENDOR_ID = 0x2c, SUBSYSTEM_ID = 0x2e,
            CAPABILITIES = 0x34, INTERRUPT_LINE = 0x3c, INTERRUPT_PIN = 0x3d;
    public static final int COMMAND_IO = 1, COMMAND_MEMORY = 2, COMMAND_MASTER = 4, COMMAND_INTX_DISABLE = 1 << 10;
    public static final int STATUS_INTERRUPT = 1 << 3, STATUS_CAPABILITIES = 1 << 4;

    /** Told when a BAR's decoded address may have changed. */
    @FunctionalInterface
    public interface BarListener {
        /**
         * @param bar     BAR index 0-5
         * @param address the base address, or -1 while the BAR is not decoded (command bit off, or unassigned)
         */
        void barChanged(int bar, long address);
    }

    protected final byte[] config = new byte[256];
    private final byte[] writable = new byte[256];
    private final long[] barSize = new long[6];
    private final boolean[] barIo = new boolean[6];
    private final long[] decoded = {-1, -1, -1, -1, -1, -1};
    private int lastCapability = -1;
    private int nextCapabilityOffset = 0x40;
    private BarListener listener = (bar, address) -> { };

    public PciConfigSpace(int vendor, int device, int classCode, int revision, int subsystemVendor, int subsystem) {
        put16(VENDOR_ID, vendor);
        put16(DEVICE_ID, device);
        config[REVISION] = (byte) revision;
        config[CLASS_PROG] = (byte) classCode;
        config[CLASS_PROG + 1] = (byte) (classCode >>> 8);
        config[CLASS_PROG + 2] = (byte) (classCode >>> 16);
        put16(SUBSYSTEM_VENDOR_ID, subsystemVendor);
        put16(SUBSYSTEM_ID, subsystem);
        // Command: I/O, memory, bus master, INTx disable are writable.
        writable[COMMAND] = (byte) (COMMAND_IO | COMMAND_MEMORY | COMMAND_MASTER);
        writable[COMMAND + 1] = (byte) (COMMAND_INTX_DISABLE >>> 8);
        writable[INTERRUPT_LINE] = (byte) 0xff;
    }

    public void setBarListener(BarListener listener) {
        this.listener = listener;
    }

    /** Declares BAR i: size a power of two (at least 16 for memory, 4 for I/O). */
    public void defineBar(int i, long size, boolean io) {
        if (Long.bitCount(size) != 1 || size < (io ? 4 : 16)) {
            throw new IllegalArgumentException("BAR size " + size + " is not a power of two of at least " + (io ? 4 : 16));
        }
        barSize[i] = size;
        barIo[i] = io;
        put32(BAR0 + 4 * i, io ? 1 : 0);
    }

    /** Sets Interrupt Pin (1 = INTA#) and the line the bus routed it to. */
    public void setInterrupt(int pin, int line) {
        config[INTERRUPT_PIN] = (byte) pin;
        config[INTERRUPT_LINE] = (byte) line;
    }

    /**
     * Appends a capability with the given id and body (the bytes after the id/next pair); returns its
     * offset. The body's bytes are read-only unless marked with {@link #setWritable}.
     */
    public int addCapability(int id, byte[] body) {
        int at = nextCapabilityOffset;
        int length = 2 + body.length;
        if (at + length > 256) {
            throw new IllegalStateException("PCI capability list is full");
        }
        config[at] = (byte) id;
        config[at + 1] = 0;
        System.arraycopy(body, 0, config, at + 2, body.length);
        if (lastCapability < 0) {
            config[CAPABILITIES] = (byte) at;
            put16(STATUS, get16(STATUS) | STATUS_CAPABILITIES);
        } else {
            config[lastCapability + 1] = (byte) at;
        }
        lastCapability = at;
        nextCapabilityOffset = (at + length + 3) & ~3;
        return at;
    }

    public void setWritable(int offset, int length) {
        Arrays.fill(writable, offset, offset + length, (byte) 0xff);
    }

    /** The interrupt status bit (Status bit 3) that reflects INTx. */
    public void setInterruptStatus(boolean pending) {
        int s = get16(STATUS);
        put16(STATUS, pending ? s | STATUS_INTERRUPT : s & ~STATUS_INTERRUPT);
    }

    public boolean intxDisabled() {
        return (get16(COMMAND) & COMMAND_INTX_DISABLE) != 0;
    }

    public boolean busMaster() {
        return (get16(COMMAND) & COMMAND_MASTER) != 0;
    }

    /** The decoded base of BAR i, or -1. */
    public long barAddress(int i) {
        return decoded[i];
    }

    @Override
    public int configRead(int offset, int size) {
        if (offset < 0 || size < 1 || size > 4 || offset + size > 256) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < size; i++) {
            v |= (config[offset + i] & 0xff) << (8 * i);
        }
        return v;
    }

    @Override
    public void configWrite(int offset, int size, int value) {
        if (offset < 0 || size < 1 || size > 4 || offset + size > 256) {
            return;
        }
        for (int i = 0; i < size; i++) {
            int at = offset + i;
            byte b = (byte) (value >>> (8 * i));
            if (at >= BAR0 && at < BAR0 + 24) {
                writeBarByte(at, b);
            } else {
                config[at] = (byte) ((config[at] & ~writable[at]) | (b & writable[at]));
            }
        }
        if (offset < COMMAND + 2 && offset + size > COMMAND || offset < BAR0 + 24 && offset + size > BAR0) {
            updateDecoding();
        }
    }

    private void writeBarByte(int at, byte b) {
        int bar = (at - BAR0) / 4;
        long size = barSize[bar];
        if (size == 0) {
            return; // unimplemented BAR: reads as 0
        }
        int shift = ((at - BAR0) % 4) * 8;
        int current = get32(BAR0 + 4 * bar);
        int merged = (current & ~(0xff << shift)) | ((b & 0xff) << shift);
        int mask = (int) ~(size - 1);
        int typeBits = barIo[bar] ? 1 : 0;
        put32(BAR0 + 4 * bar, (merged & mask) | typeBits);
    }

    private void updateDecoding() {
        int command = get16(COMMAND);
        for (int i = 0; i < 6; i++) {
            if (barSize[i] == 0) {
                continue;
            }
            boolean enabled = (command & (barIo[i] ? COMMAND_IO : COMMAND_MEMORY)) != 0;
            long base = Integer.toUnsignedLong(get32(BAR0 + 4 * i) & (barIo[i] ? ~3 : ~15));
            long limit = barIo[i] ? 0x10000 : 1L << 32;
            // A BAR that is 0 or that is being sized (all ones) decodes nothing useful.
            long address = enabled && base != 0 && base + barSize[i] <= limit && base != (limit - barSize[i]) ? base : -1;
            if (address != decoded[i]) {
                decoded[i] = address;
                listener.barChanged(i, address);
            }
        }
    }

    public int get16(int offset) {
        return (config[offset] & 0xff) | (config[offset + 1] & 0xff) << 8;
    }

    public int get32(int offset) {
        return get16(offset) | get16(offset + 2) << 16;
    }

    public void put16(int offset, int v) {
        config[offset] = (byte) v;
        config[offset + 1] = (byte) (v >>> 8);
    }

    public void put32(int offset, int v) {
        put16(offset, v);
        put16(offset + 2, v >>> 16);
    }

    /** The raw 256 bytes, for saving state. */
    public byte[] snapshot() {
        return config.clone();
    }

    /** Restores raw bytes saved by {@link #snapshot()} and re-announces the decoded BARs. */
    public void restore(byte[] bytes) {
        if (bytes.length != 256) {
            throw new IllegalArgumentException("PCI configuration space must be 256 bytes, got " + bytes.length);
        }
        System.arraycopy(bytes, 0, config, 0, 256);
        Arrays.fill(decoded, -1);
        updateDecoding();
    }
}
