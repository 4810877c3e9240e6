package dev.hyperbundle.memory;

import java.lang.foreign.MemorySegment;

/**
 * One contiguous range of guest physical memory backed by one page-aligned host mapping. The
 * hardware-assist backend hands {@link #segment()} to KVM as a memory slot (read-only for ROM), so
 * every backend sees the same bytes without copies.
 *
 * @param base    guest physical address of the first byte, page aligned
 * @param segment the host memory, page aligned, {@code segment.byteSize()} bytes
 * @param kind    RAM or ROM
 * @param name    for logs and diagnostics
 */
public record MemoryRegion(long base, MemorySegment segment, Kind kind, String name) {
    public enum Kind { RAM, ROM }

    public long size() {
        return segment.byteSize();
    }

    public long end() {
        return base + segment.byteSize();
    }

    public boolean contains(long address, long length) {
        return address >= base && length >= 0 && address - base <= size() - length;
    }

    public boolean readOnly() {
        return kind == Kind.ROM;
    }
}
