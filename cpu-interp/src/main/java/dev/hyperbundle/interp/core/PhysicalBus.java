package dev.hyperbundle.interp.core;

import dev.hyperbundle.bus.IoBus;
import dev.hyperbundle.memory.MemoryRegion;
import dev.hyperbundle.memory.PhysicalMemory;
import dev.hyperbundle.memory.WriteTracker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Guest physical memory as the CPU sees it: RAM and ROM straight through the host segments (writes to
 * ROM are dropped, written pages are reported to the {@link WriteTracker}), everything else to the
 * MMIO bus in 1, 2 or 4-byte accesses. Physical addresses are 32 bits and wrap at 4 GiB (A20 always on).
 */
public final class PhysicalBus {
    static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final PhysicalMemory memory;
    private final IoBus mmio;
    final WriteTracker tracker;
    final byte[] trackFlags;
    private MemoryRegion[] regions;

    public PhysicalBus(PhysicalMemory memory, IoBus mmio) {
        this.memory = memory;
        this.mmio = mmio;
        this.tracker = memory.tracker();
        this.trackFlags = tracker.flagArray();
        refreshRegions();
    }

    /** Re-reads the region list (after the machine added or removed a region). */
    public void refreshRegions() {
        regions = memory.regions().toArray(MemoryRegion[]::new);
    }

    /** The region holding the whole page of physical address pa, or null (MMIO). */
    MemoryRegion regionOfPage(int pa) {
        long page = Integer.toUnsignedLong(pa) & ~0xfffL;
        for (MemoryRegion r : regions) {
            if (r.contains(page, 4096)) {
                return r;
            }
        }
        return null;
    }

    private MemoryRegion region(long pa, int size) {
        for (MemoryRegion r : regions) {
            if (r.contains(pa, size)) {
                return r;
            }
        }
        return null;
    }

    public int read8(int address) {
        long pa = Integer.toUnsignedLong(address);
        MemoryRegion r = region(pa, 1);
        if (r != null) {
            return r.segment().get(ValueLayout.JAVA_BYTE, pa - r.base()) & 0xff;
        }
        return (int) mmio.read(pa, 1) & 0xff;
    }

    public int read16(int address) {
        long pa = Integer.toUnsignedLong(address);
        MemoryRegion r = region(pa, 2);
        if (r != null) {
            return r.segment().get(LE16, pa - r.base()) & 0xffff;
        }
        if ((address & 0xfff) > 0xffe || regionOfPage(address) != null) {
            return read8(address) | read8(address + 1) << 8;
        }
        return (int) mmio.read(pa, 2) & 0xffff;
    }

    public int read32(int address) {
        long pa = Integer.toUnsignedLong(address);
        MemoryRegion r = region(pa, 4);
        if (r != null) {
            return r.segment().get(LE32, pa - r.base());
        }
        if ((address & 0xfff) > 0xffc || regionOfPage(address) != null) {
            return read16(address) | read16(address + 2) << 16;
        }
        return (int) mmio.read(pa, 4);
    }

    public void write8(int address, int value) {
        long pa = Integer.toUnsignedLong(address);
        MemoryRegion r = region(pa, 1);
        if (r != null) {
            if (!r.readOnly()) {
                r.segment().set(ValueLayout.JAVA_BYTE, pa - r.base(), (byte) value);
                written(address);
            }
            return;
        }
        mmio.write(pa, 1, value & 0xff);
    }

    public void write16(int address, int value) {
        long pa = Integer.toUnsignedLong(address);
        MemoryRegion r = region(pa, 2);
        if (r != null) {
            if (!r.readOnly()) {
                r.segment().set(LE16, pa - r.base(), (short) value);
                written(address);
            }
            return;
        }
        if ((address & 0xfff) > 0xffe || regionOfPage(address) != null) {
            write8(address, value);
            write8(address + 1, value >>> 8);
            return;
        }
        mmio.write(pa, 2, value & 0xffff);
    }

    public void write32(int address, int value) {
        long pa = Integer.toUnsignedLong(address);
        MemoryRegion r = region(pa, 4);
        if (r != null) {
            if (!r.readOnly()) {
                r.segment().set(LE32, pa - r.base(), value);
                written(address);
            }
            return;
        }
        if ((address & 0xfff) > 0xffc || regionOfPage(address) != null) {
            write16(address, value);
            write16(address + 2, value >>> 16);
            return;
        }
        mmio.write(pa, 4, Integer.toUnsignedLong(value));
    }

    /** Reports a CPU write to the page holding address (fast-path contract of {@link WriteTracker}). */
    void written(int address) {
        int page = address >>> 12;
        if (trackFlags[page] != WriteTracker.DIRTY) {
            tracker.written(page);
        }
    }

    public int read(int address, int size) {
        return switch (size) {
            case 1 -> read8(address);
            case 2 -> read16(address);
            default -> read32(address);
        };
    }

    public void write(int address, int size, int value) {
        switch (size) {
            case 1 -> write8(address, value);
            case 2 -> write16(address, value);
            default -> write32(address, value);
        }
    }

    /** The host segment behind a RAM/ROM page (for the TLB), or null. */
    MemorySegment segmentOfPage(int pa) {
        MemoryRegion r = regionOfPage(pa);
        return r == null ? null : r.segment();
    }
}
