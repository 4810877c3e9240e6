package dev.hyperbundle.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The guest physical memory of one machine: non-overlapping RAM and ROM regions, each one off-heap,
 * page-aligned host allocation (zero-filled) that lives until {@link #close()}.
 *
 * <p>CPU backends take the fast path: {@link #regions()} gives the host segments to index directly
 * (they must then report writes to {@link #tracker()} themselves and must not write ROM). Everyone else
 * uses the checked {@link GuestMemory} methods.
 */
public final class PhysicalMemory implements GuestMemory, AutoCloseable {
    /** Tracking covers the 32-bit physical address space. */
    private static final int TRACKED_PAGES = 1 << (32 - PAGE_SHIFT);

    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena = Arena.ofShared();
    private final List<MemoryRegion> regions = new ArrayList<>();
    private volatile MemoryRegion[] lookup = new MemoryRegion[0];
    private final WriteTracker tracker = new WriteTracker(TRACKED_PAGES);

    /** Adds a zero-filled region. Base and size must be page aligned and must not overlap another region. */
    public synchronized MemoryRegion addRegion(long base, long size, MemoryRegion.Kind kind, String name) {
        if (base < 0 || size <= 0 || (base & (PAGE_SIZE - 1)) != 0 || (size & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(String.format(
                    "memory region %s: base 0x%x and size 0x%x must be positive multiples of %d", name, base, size, PAGE_SIZE));
        }
        if (base + size > (1L << 32)) {
            throw new IllegalArgumentException(String.format(
                    "memory region %s: 0x%x+0x%x reaches beyond the 4 GiB physical address space", name, base, size));
        }
        for (MemoryRegion r : regions) {
            if (base < r.end() && r.base() < base + size) {
                throw new IllegalArgumentException(String.format(
                        "memory region %s at 0x%x+0x%x overlaps %s at 0x%x+0x%x", name, base, size, r.name(), r.base(), r.size()));
            }
        }
        MemorySegment segment = arena.allocate(size, PAGE_SIZE);
        MemoryRegion region = new MemoryRegion(base, segment, kind, name);
        regions.add(region);
        regions.sort(Comparator.comparingLong(MemoryRegion::base));
        lookup = regions.toArray(MemoryRegion[]::new);
        return region;
    }

    /** The regions, ordered by base address. */
    public List<MemoryRegion> regions() {
        return Collections.unmodifiableList(List.of(lookup));
    }

    /** The region holding the byte at address, or null. */
    public MemoryRegion regionAt(long address) {
        for (MemoryRegion r : lookup) {
            if (address >= r.base() && address < r.end()) {
                return r;
            }
        }
        return null;
    }

    /** Total bytes of RAM (not ROM). */
    public long ramSize() {
        long n = 0;
        for (MemoryRegion r : lookup) {
            if (r.kind() == MemoryRegion.Kind.RAM) {
                n += r.size();
            }
        }
        return n;
    }

    public WriteTracker tracker() {
        return tracker;
    }

    private MemoryRegion region(long address, long length) {
        for (MemoryRegion r : lookup) {
            if (r.contains(address, length)) {
                return r;
            }
        }
        throw new GuestMemoryException(address, length);
    }

    @Override
    public boolean isMapped(long address, long length) {
        for (MemoryRegion r : lookup) {
            if (r.contains(address, length)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int read8(long address) {
        MemoryRegion r = region(address, 1);
        return r.segment().get(ValueLayout.JAVA_BYTE, address - r.base()) & 0xff;
    }

    @Override
    public int read16(long address) {
        MemoryRegion r = region(address, 2);
        return r.segment().get(LE16, address - r.base()) & 0xffff;
    }

    @Override
    public int read32(long address) {
        MemoryRegion r = region(address, 4);
        return r.segment().get(LE32, address - r.base());
    }

    @Override
    public long read64(long address) {
        MemoryRegion r = region(address, 8);
        return r.segment().get(LE64, address - r.base());
    }

    @Override
    public void write8(long address, int value) {
        MemoryRegion r = region(address, 1);
        if (!r.readOnly()) {
            r.segment().set(ValueLayout.JAVA_BYTE, address - r.base(), (byte) value);
            tracker.written(address, 1);
        }
    }

    @Override
    public void write16(long address, int value) {
        MemoryRegion r = region(address, 2);
        if (!r.readOnly()) {
            r.segment().set(LE16, address - r.base(), (short) value);
            tracker.written(address, 2);
        }
    }

    @Override
    public void write32(long address, int value) {
        MemoryRegion r = region(address, 4);
        if (!r.readOnly()) {
            r.segment().set(LE32, address - r.base(), value);
            tracker.written(address, 4);
        }
    }

    @Override
    public void write64(long address, long value) {
        MemoryRegion r = region(address, 8);
        if (!r.readOnly()) {
            r.segment().set(LE64, address - r.base(), value);
            tracker.written(address, 8);
        }
    }

    @Override
    public void read(long address, byte[] dst, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        MemoryRegion r = region(address, length);
        MemorySegment.copy(r.segment(), ValueLayout.JAVA_BYTE, address - r.base(), dst, offset, length);
    }

    @Override
    public void write(long address, byte[] src, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, src.length);
        MemoryRegion r = region(address, length);
        if (!r.readOnly()) {
            MemorySegment.copy(src, offset, r.segment(), ValueLayout.JAVA_BYTE, address - r.base(), length);
            tracker.written(address, length);
        }
    }

    /**
     * Loads bytes into a region regardless of its kind (ROM images, kernel images at boot). Not for
     * guest-driven writes.
     */
    public void load(long address, byte[] src, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, src.length);
        MemoryRegion r = region(address, length);
        MemorySegment.copy(src, offset, r.segment(), ValueLayout.JAVA_BYTE, address - r.base(), length);
        tracker.written(address, length);
    }

    /** A view of [address, address+length) for bulk host I/O (e.g. a disk read straight into guest RAM). */
    public MemorySegment slice(long address, long length) {
        MemoryRegion r = region(address, length);
        return r.segment().asSlice(address - r.base(), length);
    }

    /** Fills every RAM region with zeros (machine reset). */
    public void clearRam() {
        for (MemoryRegion r : lookup) {
            if (r.kind() == MemoryRegion.Kind.RAM) {
                r.segment().fill((byte) 0);
                tracker.written(r.base(), r.size());
            }
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
