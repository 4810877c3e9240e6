package dev.hyperbundle.interp.core;

import dev.hyperbundle.memory.MemoryRegion;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import dev.hyperbundle.memory.WriteTracker;
import java.util.Arrays;

/**
 * Linear-address memory access: 2-level paging with 4 KiB and 4 MiB pages (SDM Vol. 3A, 4.3), a
 * direct-mapped TLB held in arrays, accessed/dirty bits, U/S and R/W checks with CR0.WP, and page
 * faults with the exact error code and CR2 (SDM Vol. 3A, 4.7).
 *
 * <p>TLB keys are {@code linearPage << 1 | user}: an entry answers for one privilege class (user =
 * CPL 3 data access). The writable tag says the page may be written by that class (PTE dirty already
 * set); the write tag, which the store fast path checks, says moreover that it is RAM whose
 * {@link WriteTracker} flag is exactly DIRTY (dirty and not watched by a code cache), so a fast store
 * needs no further checks and no report; the tracker revokes it when it watches the page or clears the
 * dirty flags. Paging off fills the same TLB with the identity mapping.
 */
public final class Mmu implements WriteTracker.WriteAccessListener {
    private static final int TLB_BITS = 10;
    private static final int TLB_SIZE = 1 << TLB_BITS;
    private static final int TLB_MASK = TLB_SIZE - 1;

    /** Page-fault error code bits (SDM Vol. 3A, 4.7). */
    static final int PF_P = 1, PF_W = 2, PF_U = 4;

    private final PhysicalBus phys;
    private final int[] readTag = new int[TLB_SIZE];
    private final int[] writeTag = new int[TLB_SIZE];
    private final int[] writableTag = new int[TLB_SIZE];
    /**
     * Host address of each entry's page. Accesses go through one segment spanning the whole address
     * space, so the hot path has no per-region segment to load and check; the entries only ever point
     * into live RAM/ROM regions (the machine closes its memory only after its vCPUs stopped).
     */
    private final long[] hostAddress = new long[TLB_SIZE];
    private static final MemorySegment HOST = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private final int[] frame = new int[TLB_SIZE];
    private final boolean[] global = new boolean[TLB_SIZE];

    boolean paging;
    private boolean writeProtect;
    private boolean pse;
    private boolean pge;
    private int cr3;
    /** Written by a page fault. */
    public int cr2;
    /**
     * Bumped by every TLB flush or INVLPG: a cached linear-to-physical code translation ({@link CodeCache})
     * stays valid only while the epoch is unchanged.
     */
    int epoch;

    public Mmu(PhysicalBus phys) {
        this.phys = phys;
        flushAll();
        phys.tracker.addWriteAccessListener(this);
    }

    /** Leaves the write tracker (the vCPU is closed). */
    public void close() {
        phys.tracker.removeWriteAccessListener(this);
    }

    @Override
    public void revokeWriteAccess(long page) {
        for (int i = 0; i < TLB_SIZE; i++) {
            if (page < 0 || frame[i] == page) {
                writeTag[i] = -1;
            }
        }
    }

    public PhysicalBus physical() {
        return phys;
    }

    /** New CR0/CR3/CR4 values. Flushes what the SDM says changes of these registers flush (Vol. 3A, 4.10.4). */
    public void configure(int cr0, int cr3, int cr4) {
        boolean newPaging = (cr0 & 0x80000001) == 0x80000001;
        boolean newWp = (cr0 & 0x10000) != 0;
        boolean newPse = (cr4 & 0x10) != 0;
        boolean newPge = (cr4 & 0x80) != 0;
        if (newPaging != paging || newWp != writeProtect || newPse != pse || newPge != pge) {
            flushAll();
        } else if (cr3 != this.cr3) {
            flushNonGlobal();
        }
        paging = newPaging;
        writeProtect = newWp;
        pse = newPse;
        pge = newPge;
        this.cr3 = cr3;
    }

    /** A MOV to CR3 flushes non-global entries even when the value is unchanged. */
    public void flushNonGlobal() {
        epoch++;
        for (int i = 0; i < TLB_SIZE; i++) {
            if (!global[i]) {
                readTag[i] = -1;
                writeTag[i] = -1;
                writableTag[i] = -1;
            }
        }
    }

    public void flushAll() {
        epoch++;
        Arrays.fill(readTag, -1);
        Arrays.fill(writeTag, -1);
        Arrays.fill(writableTag, -1);
        Arrays.fill(global, false);
    }

    /** INVLPG: drops the entry for the page of linear address, global or not. */
    public void invalidate(int linear) {
        epoch++;
        int i = (linear >>> 12) & TLB_MASK;
        readTag[i] = -1;
        writeTag[i] = -1;
        writableTag[i] = -1;
        global[i] = false;
    }

    // ---- fast paths ------------------------------------------------------------------------------

    public int read8(int lin, int user) {
        int i = (lin >>> 12) & TLB_MASK;
        if (readTag[i] == ((lin >>> 12) << 1 | user)) {
            return HOST.get(ValueLayout.JAVA_BYTE, hostAddress[i] + (lin & 0xfff)) & 0xff;
        }
        return phys.read8(translate(lin, false, user));
    }

    public int read16(int lin, int user) {
        int i = (lin >>> 12) & TLB_MASK;
        if (readTag[i] == ((lin >>> 12) << 1 | user) && (lin & 0xfff) != 0xfff) {
            return HOST.get(PhysicalBus.LE16, hostAddress[i] + (lin & 0xfff)) & 0xffff;
        }
        if ((lin & 0xfff) == 0xfff) {
            return read8(lin, user) | read8(lin + 1, user) << 8;
        }
        return phys.read16(translate(lin, false, user));
    }

    public int read32(int lin, int user) {
        int i = (lin >>> 12) & TLB_MASK;
        if (readTag[i] == ((lin >>> 12) << 1 | user) && (lin & 0xfff) <= 0xffc) {
            return HOST.get(PhysicalBus.LE32, hostAddress[i] + (lin & 0xfff));
        }
        if ((lin & 0xfff) > 0xffc) {
            int shift = (lin & 3) * 8; // split: both pages are checked before anything is returned
            int a = read32(lin & ~3, user);
            int b = read32((lin & ~3) + 4, user);
            return (a >>> shift) | (b << (32 - shift));
        }
        return phys.read32(translate(lin, false, user));
    }

    public void write8(int lin, int user, int value) {
        int i = (lin >>> 12) & TLB_MASK;
        if (writeTag[i] == ((lin >>> 12) << 1 | user)) {
            HOST.set(ValueLayout.JAVA_BYTE, hostAddress[i] + (lin & 0xfff), (byte) value);
            return;
        }
        phys.write8(translate(lin, true, user), value);
        promote(lin, user);
    }

    public void write16(int lin, int user, int value) {
        int i = (lin >>> 12) & TLB_MASK;
        if (writeTag[i] == ((lin >>> 12) << 1 | user) && (lin & 0xfff) != 0xfff) {
            HOST.set(PhysicalBus.LE16, hostAddress[i] + (lin & 0xfff), (short) value);
            return;
        }
        if ((lin & 0xfff) == 0xfff) {
            int a = translate(lin, true, user);
            int b = translate(lin + 1, true, user);
            phys.write8(a, value);
            phys.write8(b, value >>> 8);
            return;
        }
        phys.write16(translate(lin, true, user), value);
        promote(lin, user);
    }

    public void write32(int lin, int user, int value) {
        int i = (lin >>> 12) & TLB_MASK;
        if (writeTag[i] == ((lin >>> 12) << 1 | user) && (lin & 0xfff) <= 0xffc) {
            HOST.set(PhysicalBus.LE32, hostAddress[i] + (lin & 0xfff), value);
            return;
        }
        if ((lin & 0xfff) > 0xffc) {
            int a = translate(lin, true, user);
            // Both pages checked before the first byte is written; a fault in the second reports the first
            // byte of the access in that page as CR2 (the linear address that caused it, SDM Vol. 3A, 4.7).
            int b = translate((lin | 0xfff) + 1, true, user);
            int n = 0x1000 - (lin & 0xfff);
            for (int k = 0; k < 4; k++) {
                phys.write8(k < n ? a + k : (b & ~0xfff) | ((lin + k) & 0xfff), value >>> (8 * k));
            }
            return;
        }
        phys.write32(translate(lin, true, user), value);
        promote(lin, user);
    }

    /**
     * The read of a read-modify-write instruction: checks write access as the write will (x86 faults an RMW
     * instruction's read with W = 1 on a read-only page) and reads, so the write that follows cannot fault.
     */
    public int read32ForWrite(int lin, int user) {
        int i = (lin >>> 12) & TLB_MASK;
        if (writeTag[i] == ((lin >>> 12) << 1 | user) && (lin & 0xfff) <= 0xffc) {
            return HOST.get(PhysicalBus.LE32, hostAddress[i] + (lin & 0xfff));
        }
        checkWrite(lin, 4, user);
        return read32(lin, user);
    }

    /** As {@link #read32ForWrite}, one byte. */
    public int read8ForWrite(int lin, int user) {
        int i = (lin >>> 12) & TLB_MASK;
        if (writeTag[i] == ((lin >>> 12) << 1 | user)) {
            return HOST.get(ValueLayout.JAVA_BYTE, hostAddress[i] + (lin & 0xfff)) & 0xff;
        }
        checkWrite(lin, 1, user);
        return read8(lin, user);
    }

    /** As {@link #read32ForWrite}, two bytes. */
    public int read16ForWrite(int lin, int user) {
        int i = (lin >>> 12) & TLB_MASK;
        if (writeTag[i] == ((lin >>> 12) << 1 | user) && (lin & 0xfff) != 0xfff) {
            return HOST.get(PhysicalBus.LE16, hostAddress[i] + (lin & 0xfff)) & 0xffff;
        }
        checkWrite(lin, 2, user);
        return read16(lin, user);
    }

    /** The read of a read-modify-write of size bytes (1, 2, 4); see {@link #read32ForWrite}. */
    public int readForWrite(int lin, int size, int user) {
        return switch (size) {
            case 1 -> read8ForWrite(lin, user);
            case 2 -> read16ForWrite(lin, user);
            default -> read32ForWrite(lin, user);
        };
    }

    /** A store of size bytes (1, 2, 4). */
    public void write(int lin, int size, int user, int value) {
        switch (size) {
            case 1 -> write8(lin, user, value);
            case 2 -> write16(lin, user, value);
            default -> write32(lin, user, value);
        }
    }

    /**
     * The host address of linear address lin for reading up to the end of its page, or 0 when the page is
     * not RAM or ROM (MMIO). Faults as a read would. For bulk string instructions.
     */
    long hostForRead(int lin, int user) {
        int i = (lin >>> 12) & TLB_MASK;
        int key = (lin >>> 12) << 1 | user;
        if (readTag[i] != key) {
            translate(lin, false, user);
            if (readTag[i] != key) {
                return 0;
            }
        }
        return hostAddress[i] + (lin & 0xfff);
    }

    /**
     * The host address of linear address lin for writing up to the end of its page without reporting the
     * writes, or 0 when the writes must be reported (a watched page) or go to the bus. Faults as a write
     * would; marks the page dirty. For bulk string instructions.
     */
    long hostForWrite(int lin, int user) {
        int i = (lin >>> 12) & TLB_MASK;
        int key = (lin >>> 12) << 1 | user;
        if (writeTag[i] != key) {
            translate(lin, true, user);
            int pfn = frame[i];
            if (writableTag[i] == key && hostAddress[i] != 0 && pfn < phys.trackFlags.length
                    && (phys.trackFlags[pfn] & WriteTracker.WATCHED) == 0) {
                phys.tracker.written(pfn);
                promote(lin, user);
            }
            if (writeTag[i] != key) {
                return 0;
            }
        }
        return hostAddress[i] + (lin & 0xfff);
    }

    /** The whole address space as one segment, for host addresses from {@link #hostForRead}/{@link #hostForWrite}. */
    static MemorySegment host() {
        return HOST;
    }

    /** After a reported store: once the page is exactly DIRTY, further stores to it may take the fast path. */
    private void promote(int lin, int user) {
        int i = (lin >>> 12) & TLB_MASK;
        int key = (lin >>> 12) << 1 | user;
        int pfn = frame[i];
        if (writableTag[i] == key && hostAddress[i] != 0 && pfn < phys.trackFlags.length
                && phys.trackFlags[pfn] == WriteTracker.DIRTY) {
            writeTag[i] = key;
        }
    }

    /** Checks that a write to [lin, lin+size) would succeed (for instructions that must not fault halfway). */
    public void checkWrite(int lin, int size, int user) {
        translate(lin, true, user);
        if (((lin + size - 1) >>> 12) != (lin >>> 12)) {
            translate((lin | 0xfff) + 1, true, user); // CR2 = the first byte in the second page
        }
    }

    // ---- page walk -------------------------------------------------------------------------------

    /**
     * Translates a linear address for a data access, filling the TLB; raises #PF on failure.
     *
     * @param user 1 for a CPL 3 access (not for implicit supervisor accesses such as descriptor reads)
     */
    public int translate(int lin, boolean write, int user) {
        int vpn = lin >>> 12;
        int i = vpn & TLB_MASK;
        int key = vpn << 1 | user;
        if (readTag[i] == key && (!write || writableTag[i] == key)) {
            return frame[i] << 12 | (lin & 0xfff);
        }
        if (!paging) {
            fill(i, key, vpn, true, false);
            return lin;
        }
        int pdeAddr = (cr3 & 0xfffff000) | (lin >>> 22) << 2;
        int pde = phys.read32(pdeAddr);
        if ((pde & 1) == 0) {
            throw pageFault(lin, write, user, false);
        }
        if (pse && (pde & 0x80) != 0) {
            boolean allowed = allowed(pde, write, user);
            if (!allowed) {
                throw pageFault(lin, write, user, true);
            }
            int updated = pde | 0x20 | (write ? 0x40 : 0);
            if (updated != pde) {
                phys.write32(pdeAddr, updated);
            }
            int pfn = (pde & 0xffc00000) >>> 12 | (vpn & 0x3ff);
            fill(i, key, pfn, (updated & 0x40) != 0 && allowed(pde, true, user), pge && (pde & 0x100) != 0);
            return pfn << 12 | (lin & 0xfff);
        }
        int pteAddr = (pde & 0xfffff000) | ((lin >>> 12) & 0x3ff) << 2;
        int pte = phys.read32(pteAddr);
        if ((pte & 1) == 0) {
            throw pageFault(lin, write, user, false);
        }
        int combined = pde & pte; // U/S and R/W must allow at both levels (SDM Vol. 3A, 4.6.1)
        if (!allowed(combined, write, user)) {
            throw pageFault(lin, write, user, true);
        }
        if ((pde & 0x20) == 0) {
            phys.write32(pdeAddr, pde | 0x20);
        }
        int updated = pte | 0x20 | (write ? 0x40 : 0);
        if (updated != pte) {
            phys.write32(pteAddr, updated);
        }
        int pfn = pte >>> 12;
        fill(i, key, pfn, (updated & 0x40) != 0 && allowed(combined, true, user), pge && (pte & 0x100) != 0);
        return pfn << 12 | (lin & 0xfff);
    }

    /** SDM Vol. 3A, 4.6: user accesses need U/S=1 (and R/W=1 to write); supervisor writes need R/W=1 only with CR0.WP. */
    private boolean allowed(int entry, boolean write, int user) {
        if (user != 0) {
            return (entry & 4) != 0 && (!write || (entry & 2) != 0);
        }
        return !write || !writeProtect || (entry & 2) != 0;
    }

    private CpuFault pageFault(int lin, boolean write, int user, boolean present) {
        cr2 = lin;
        return new CpuFault(CpuFault.PF, (present ? PF_P : 0) | (write ? PF_W : 0) | (user != 0 ? PF_U : 0));
    }

    private void fill(int i, int key, int pfn, boolean writable, boolean isGlobal) {
        int pa = pfn << 12;
        MemoryRegion r = phys.regionOfPage(pa);
        readTag[i] = key;
        frame[i] = pfn;
        global[i] = isGlobal;
        if (r != null) {
            hostAddress[i] = r.segment().address() + (Integer.toUnsignedLong(pa) - r.base());
            boolean canWrite = writable && !r.readOnly();
            writableTag[i] = canWrite ? key : -1;
            // Fast stores only where nothing needs to hear of them (see the class comment).
            writeTag[i] = canWrite && pfn < phys.trackFlags.length && phys.trackFlags[pfn] == WriteTracker.DIRTY ? key : -1;
        } else {
            hostAddress[i] = 0;
            writeTag[i] = -1;
            writableTag[i] = writable ? key : -1;
            readTag[i] = -1; // MMIO: never cached, every access goes to the bus
        }
    }
}
