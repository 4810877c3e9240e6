package dev.hyperbundle.interp.core;

import dev.hyperbundle.interp.decoder.Decoder;
import dev.hyperbundle.interp.decoder.Instruction;
import dev.hyperbundle.memory.WriteTracker;

/**
 * Decoded instructions keyed by physical address, so hot code is decoded once.
 *
 * <p>Validity: an entry is the decoding of the bytes at its physical address for one code size. The
 * page is watched in the kernel's {@link WriteTracker} while it has tables; any write to it (a CPU
 * store, including one by the running instruction, or DMA through {@code GuestMemory}) drops the
 * page's tables, so the next instruction from that page is decoded again from memory. The linear to
 * physical step is redone whenever the TLB was flushed ({@link Mmu#epoch}), CS moved to another page,
 * the privilege class or code size changed, so a page the guest remapped never runs stale code.
 * Instructions that cross a page end (or the 64 KiB wrap of 16-bit code) are never cached.
 *
 * <p>Threads: lookups run on the vCPU thread; {@link #pageWritten} may run on a device thread (DMA).
 * Table creation and dropping are synchronized; a lookup racing with a DMA write to the page it runs
 * from may still see the old decoding, which a guest cannot tell from running just before the DMA.
 */
public final class CodeCache implements WriteTracker.PageWriteListener {
    /** Upper bound on pages with tables (each table is 16 KiB plus its decoded instructions); then all are dropped. */
    static final int MAX_PAGES = 1024;
    /** A page whose tables were dropped this often is decoded uncached for {@link #UNCACHED_SPAN} instructions. */
    private static final int THRASH_LIMIT = 32;
    private static final long UNCACHED_SPAN = 1_000_000;

    private final Executor executor;
    private final Cpu cpu;
    private final Mmu mmu;
    private final PhysicalBus phys;
    private final WriteTracker tracker;
    private final CodePage[] pages;
    private final int[] livePfns = new int[MAX_PAGES];
    private int liveCount;
    /** Bumped whenever tables are dropped, so the one-entry lookup below is refreshed. */
    private volatile int generation;

    /**
     * A small direct-mapped lookup from (linear page, CPL 3, code size) to the page's table, so that a
     * call into another page needs no page walk. Emptied whenever the TLB epoch or the generation moves.
     */
    private static final int WAYS = 64;
    private final int[] keys = new int[WAYS];
    private final Instruction[][] tables = new Instruction[WAYS][];
    private int seenEpoch;
    private int seenGeneration;

    /** The cached instruction fetched last (null after an uncached one), its table and page offset. */
    private Instruction last;
    private Instruction[] lastSlots;
    private int lastOffset;

    CodeCache(Executor executor) {
        this.executor = executor;
        this.cpu = executor.cpu;
        this.mmu = cpu.mmu;
        this.phys = mmu.physical();
        this.tracker = phys.tracker;
        this.pages = new CodePage[tracker.pageCount()];
        forget();
        tracker.addListener(this);
    }

    /** The decoded instruction at CS:eip, with {@link Instruction#eip} set to eip. Faults as a fetch would. */
    Instruction fetch(int eip) {
        if (mmu.epoch != seenEpoch || generation != seenGeneration) {
            forget();
        }
        Instruction prev = last;
        if (prev != null && eip == prev.eip + prev.length) {
            // Fall-through from a linkable instruction: the next one is physically adjacent in the same
            // page, and the mapping, CS, CPL and code size cannot have changed (see LINKABLE, resetLink).
            Instruction n = prev.next;
            if (n != null) {
                n.eip = eip;
                last = n;
                lastOffset += prev.length;
                return n;
            }
        }
        boolean code32 = cpu.code32();
        int offset = code32 ? eip : eip & 0xffff;
        int lin = cpu.segBase[Cpu.CS] + offset;
        int vpage = lin >>> 12;
        int key = vpage << 2 | cpu.user << 1 | (code32 ? 1 : 0);
        int way = vpage & (WAYS - 1);
        Instruction[] slots = keys[way] == key ? tables[way] : refill(lin, code32, key, way);
        last = null;
        if (slots == null) {
            return decode(eip, code32, executor.insn);
        }
        int at = lin & 0xfff;
        Instruction i = slots[at];
        if (i == null) {
            if (at > 0x1000 - 15 || (!code32 && offset > 0x10000 - 15)) {
                // Near the page end (or the 16-bit wrap) it may not fit: only one that does is kept.
                Instruction scratch = decode(eip, code32, executor.insn);
                if (at + scratch.length > 0x1000 || (!code32 && offset + scratch.length > 0x10000)) {
                    return scratch;
                }
                i = new Instruction();
                i.copyFrom(scratch);
            } else {
                i = decode(eip, code32, new Instruction());
            }
            slots[at] = i;
        } else {
            i.eip = eip; // the same physical bytes may run at another linear address or CS base
        }
        if (prev != null && slots == lastSlots && at == lastOffset + prev.length && eip == prev.eip + prev.length
                && linkable(prev)) {
            prev.next = i;
        }
        last = i;
        lastSlots = slots;
        lastOffset = at;
        return i;
    }

    /**
     * Whether execution may continue from i to the physically next instruction through {@link Instruction#next}:
     * not across instructions that can change CS, CPL, the code size or the paging setup (far transfers,
     * INT/IRET, system instructions), where the fall-through address alone says too little.
     */
    private static boolean linkable(Instruction i) {
        int op = i.opcode;
        return switch (op) {
            case 0x9A, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF, 0xEA, 0xF1 -> false;
            case 0xFF -> i.reg != 3 && i.reg != 5;
            default -> op < 0x100 || op >= 0x140;
        };
    }

    /** Control went somewhere other than an instruction's own result (event delivery, state load). */
    void resetLink() {
        last = null;
    }

    private void forget() {
        last = null;
        java.util.Arrays.fill(keys, -1);
        seenEpoch = mmu.epoch;
        seenGeneration = generation;
    }

    private Instruction decode(int eip, boolean code32, Instruction into) {
        if (Decoder.decode(executor, eip, code32, into) != Decoder.OK) {
            throw CpuFault.gp(0);
        }
        return into;
    }

    private Instruction[] refill(int lin, boolean code32, int key, int way) {
        int pa = mmu.translate(lin, false, cpu.user); // the fetch's own page fault, CR2 = lin
        int generationBefore = generation;
        Instruction[] slots = tablesFor(pa >>> 12, code32);
        if (slots != null && generation == generationBefore) {
            keys[way] = key;
            tables[way] = slots;
        }
        return slots;
    }

    private Instruction[] tablesFor(int pfn, boolean code32) {
        if (phys.regionOfPage(pfn << 12) == null || pfn >= pages.length) {
            return null; // MMIO: every fetch goes to the bus
        }
        CodePage p = pages[pfn];
        Instruction[] slots = p == null ? null : code32 ? p.slots32 : p.slots16;
        if (slots != null) {
            return slots;
        }
        if (p != null && executor.retired < p.uncachedUntil) {
            return null;
        }
        // Under the lock, so that a listener on a device thread that sees the page watched also sees it here.
        synchronized (this) {
            if (p == null) {
                p = new CodePage(pfn);
                pages[pfn] = p;
            }
            if (!p.hasTables()) {
                if (liveCount == MAX_PAGES) {
                    dropAll();
                }
                p.liveIndex = liveCount;
                livePfns[liveCount++] = pfn;
                tracker.watch(pfn);
            }
            slots = new Instruction[4096];
            if (code32) {
                p.slots32 = slots;
            } else {
                p.slots16 = slots;
            }
        }
        return slots;
    }

    /** A watched page was written: its decodings may be stale. */
    @Override
    public void pageWritten(long page) {
        if (page < 0 || page >= pages.length) {
            return;
        }
        synchronized (this) { // only writes to watched pages get here: rare
            CodePage p = pages[(int) page];
            if (p == null || !p.hasTables()) {
                return;
            }
            drop(p);
            if (++p.invalidations >= THRASH_LIMIT) {
                p.invalidations = 0; // code and data share the page: stop re-decoding it after every store
                p.uncachedUntil = executor.retired + UNCACHED_SPAN;
            }
        }
    }

    private void drop(CodePage p) {
        p.slots16 = null;
        p.slots32 = null;
        tracker.unwatch(p.pfn);
        int last = livePfns[--liveCount];
        livePfns[p.liveIndex] = last;
        pages[last].liveIndex = p.liveIndex;
        generation++;
    }

    private void dropAll() {
        while (liveCount > 0) {
            drop(pages[livePfns[liveCount - 1]]);
        }
    }

    /** Pages currently holding decoded instructions (for tests). */
    synchronized int cachedPages() {
        return liveCount;
    }

    /** Stops watching every page and leaves the tracker. */
    synchronized void close() {
        tracker.removeListener(this);
        dropAll();
    }
}
