package dev.hyperbundle.interp.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * REP MOVS and REP STOS (the guest's memcpy and memset) by whole page chunks of host memory instead of one
 * element per iteration. Used only where the result equals the element-by-element definition (SDM Vol. 2B,
 * REP): 32-bit addressing, DF = 0, flat segments (base 0, 4 GiB limit, so no limit can fail halfway), RAM on
 * both sides, no forward overlap (a destination inside the source range would re-read copied elements), and
 * destination pages that need no write reports (not watched by a code cache). Anything else, and an
 * element that crosses a page end, is left to the element path, which also raises the faults with ESI, EDI
 * and ECX at the faulting element: every chunk commits them before the next one is touched.
 */
final class BulkStrings {
    /** Bytes per call; then the instruction restarts itself, so interrupts are seen between chunks. */
    static final int MAX_BYTES = 64 * 1024;

    private final Executor x;
    private final Cpu cpu;
    private final Mmu mmu;

    BulkStrings(Executor x) {
        this.x = x;
        this.cpu = x.cpu;
        this.mmu = cpu.mmu;
    }

    /**
     * Runs whole chunks of a REP MOVS (movs = true) or REP STOS of size-byte elements; returns the
     * iterations done (0: nothing was possible here, use the element path).
     */
    int run(boolean movs, int size, int srcSeg) {
        if (cpu.flags.isSet(Flags.DF) || !cpu.segFlat[Cpu.ES] || (movs && !cpu.segFlat[srcSeg])) {
            return 0;
        }
        int[] g = cpu.gpr;
        MemorySegment host = Mmu.host();
        int done = 0;
        int user = cpu.user;
        while (done * size < MAX_BYTES) {
            long count = Integer.toUnsignedLong(g[Cpu.ECX]);
            if (count == 0) {
                break;
            }
            int di = g[Cpu.EDI];
            int si = g[Cpu.ESI];
            long room = 0x1000 - (di & 0xfff);
            if (movs) {
                room = Math.min(room, 0x1000 - (si & 0xfff));
            }
            long elements = Math.min(count, room / size);
            if (elements == 0) {
                break; // an element crosses a page end
            }
            int bytes = (int) elements * size;
            long src = movs ? mmu.hostForRead(si, user) : 0;
            if (movs && src == 0) {
                break;
            }
            long dst = mmu.hostForWrite(di, user);
            if (dst == 0 || (movs && dst > src && dst < src + bytes)) {
                break;
            }
            if (movs) {
                MemorySegment.copy(host, src, host, dst, bytes);
                g[Cpu.ESI] = si + bytes;
            } else if (size == 1) {
                host.asSlice(dst, bytes).fill((byte) g[Cpu.EAX]);
            } else {
                fill(host, dst, (int) elements, size, g[Cpu.EAX]);
            }
            g[Cpu.EDI] = di + bytes;
            g[Cpu.ECX] = (int) (count - elements);
            done += (int) elements;
        }
        return done;
    }

    private static void fill(MemorySegment host, long at, int elements, int size, int value) {
        if (size == 4) {
            for (int k = 0; k < elements; k++) {
                host.set(PhysicalBus.LE32, at + 4L * k, value);
            }
        } else {
            for (int k = 0; k < elements; k++) {
                host.set(PhysicalBus.LE16, at + 2L * k, (short) value);
            }
        }
    }
}
