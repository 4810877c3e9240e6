package dev.hyperbundle.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {
    private final PhysicalMemory memory = new PhysicalMemory();

    @AfterEach
    void close() {
        memory.close();
    }

    @Test
    void accessesAreLittleEndianAndZeroInitialized() {
        memory.addRegion(0, 0x10000, MemoryRegion.Kind.RAM, "ram");
        assertEquals(0, memory.read32(0x100));
        memory.write32(0x100, 0x11223344);
        assertEquals(0x44, memory.read8(0x100));
        assertEquals(0x3344, memory.read16(0x100));
        assertEquals(0x11223344, memory.read32(0x100));
        memory.write64(0x200, 0x0102030405060708L);
        assertEquals(0x05060708, memory.read32(0x200));
        assertEquals(0x0102030405060708L, memory.read64(0x200));
    }

    @Test
    void everyAccessOutsideRegionsFails() {
        memory.addRegion(0x1000, 0x1000, MemoryRegion.Kind.RAM, "ram");
        assertEquals(0, memory.read8(0x1fff));
        assertThrows(GuestMemoryException.class, () -> memory.read8(0x2000));
        assertThrows(GuestMemoryException.class, () -> memory.read8(0xfff));
        assertThrows(GuestMemoryException.class, () -> memory.read16(0x1fff)); // crosses the end
        assertThrows(GuestMemoryException.class, () -> memory.read32(-1));
        assertThrows(GuestMemoryException.class, () -> memory.read(0x1800, new byte[0x900], 0, 0x900));
        assertThrows(GuestMemoryException.class, () -> memory.write(Long.MAX_VALUE - 2, new byte[8], 0, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> memory.read(0x1000, new byte[4], 2, 4));
        assertFalse(memory.isMapped(0x1fff, 2));
        assertTrue(memory.isMapped(0x1000, 0x1000));
        assertFalse(memory.isMapped(0x1000, -1));
    }

    @Test
    void romIgnoresGuestWritesButTakesLoads() {
        memory.addRegion(0xf0000, 0x10000, MemoryRegion.Kind.ROM, "bios");
        memory.load(0xffff0, new byte[] {(byte) 0xea, 0x5b}, 0, 2);
        memory.write8(0xffff0, 0x90);
        memory.write32(0xffff0, 0);
        memory.write(0xffff0, new byte[] {1, 2});
        assertEquals(0x5bea, memory.read16(0xffff0));
    }

    @Test
    void overlappingOrMisalignedRegionsAreRejected() {
        memory.addRegion(0, 0x100000, MemoryRegion.Kind.RAM, "ram");
        var e = assertThrows(IllegalArgumentException.class, () -> memory.addRegion(0xff000, 0x2000, MemoryRegion.Kind.ROM, "rom"));
        assertEquals("memory region rom at 0xff000+0x2000 overlaps ram at 0x0+0x100000", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> memory.addRegion(0x200800, 0x1000, MemoryRegion.Kind.RAM, "odd"));
        assertThrows(IllegalArgumentException.class, () -> memory.addRegion(0xfffff000L, 0x2000, MemoryRegion.Kind.RAM, "high"));
    }

    @Test
    void segmentSlicesAliasTheSameBytes() {
        MemoryRegion ram = memory.addRegion(0, 0x10000, MemoryRegion.Kind.RAM, "ram");
        ram.segment().set(ValueLayout.JAVA_BYTE, 0x1234, (byte) 0x5a);
        assertEquals(0x5a, memory.read8(0x1234));
        memory.write8(0x4321, 0xa5);
        assertEquals((byte) 0xa5, memory.slice(0x4320, 2).get(ValueLayout.JAVA_BYTE, 1));
        assertEquals(0, ram.segment().address() % GuestMemory.PAGE_SIZE, "host mapping is page aligned for KVM");
    }

    @Test
    void writesMarkPagesDirtyAndReportWatchedPages() {
        memory.addRegion(0, 0x10000, MemoryRegion.Kind.RAM, "ram");
        WriteTracker t = memory.tracker();
        List<Long> heard = new ArrayList<>();
        t.addListener(heard::add);
        t.watch(3);
        assertFalse(t.isDirty(2));
        memory.write32(0x2ffe, 0x12345678); // spans pages 2 and 3
        assertTrue(t.isDirty(2));
        assertTrue(t.isDirty(3));
        assertEquals(List.of(3L), heard);
        memory.write8(0x3000, 1);
        assertEquals(List.of(3L, 3L), heard, "a watched page reports every write");
        t.clearDirty();
        assertFalse(t.isDirty(2));
        assertEquals(WriteTracker.WATCHED, t.flags(3));
        byte[] data = new byte[0x2000];
        memory.write(0x5800, data);
        assertTrue(t.isDirty(5) && t.isDirty(6) && t.isDirty(7));
        assertFalse(t.isDirty(8));
        assertArrayEquals(new byte[4], memory.read(0x5800, 4));
    }

    @Test
    void watchesAreCountedPerWatcher() {
        WriteTracker t = new WriteTracker(16);
        t.watch(5);
        t.watch(5);
        t.unwatch(5);
        assertTrue(t.isWatched(5), "the second watcher still watches");
        t.unwatch(5);
        assertFalse(t.isWatched(5));
        t.unwatch(5); // unbalanced: no effect
        assertFalse(t.isWatched(5));
    }
}
