package dev.hyperbundle.interp.core;

import dev.hyperbundle.interp.decoder.Decoder;
import dev.hyperbundle.interp.decoder.Instruction;
import dev.hyperbundle.memory.WriteTracker;

/**
 * Ops ({@link Op}) keyed by physical address, so hot code is decoded and compiled once.
 *
 * <p>Validity: a table holds the ops for the bytes of one physical page, for one code size and one CS
 * offset of the page start. The page is watched in the kernel's {@link WriteTracker} while it has tables;
 * any write to it (a CPU store, including one by the running instruction, or DMA through
 * {@code GuestMemory}) drops the page's tables and clears the links of their ops, so the next instruction
 * from that page is decoded again from memory. The linear to physical step is redone whenever the TLB was
 * flushed ({@link Mmu#epoch}), CS moved to another page or base, the privilege class or code size changed,
 * so a page the guest remapped never runs stale code. Instructions that cross a page end (or the 64 KiB
 * wrap of 16-bit code) are never cached.
 *
 * <p>Links: the first time the instruction after an op (or its branch target) is looked up in the same
 * table, the op keeps a reference to it, so straight-line code and loops inside a page run from op to op
 * without lookups. Ops after which CS, CPL, code size or paging may change are never linked.
 *
 * <p>Threads: lookups run on the vCPU thread; {@link #pageWritten} may run on a device thread (DMA).
 * Table creation and dropping are synchronized; a lookup racing with a DMA write to the page it runs
 * from may still see the old decoding, which a guest cannot tell from running just before the DMA.
 */
public final class CodeCache implements WriteTracker.PageWriteListener {
    /** Upper bound on pages with tables (each table is 16 KiB plus its ops); then all are dropped. */
    static final int MAX_PAGES = 2048;
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
    /** Bumped whenever tables are dropped, so the lookup below is refreshed. */
    private volatile int generation;
    private final Instruction scratch = new Instruction();
    private final Instruction lookahead = new Instruction();

    /**
     * A small direct-mapped lookup from (linear page, CPL 3, code size) to the page's table, so that a
     * call into another page needs no page walk. Emptied whenever the TLB epoch, the generation or the CS
     * base moves.
     */
    private static final int WAYS = 64;
    private final int[] keys = new int[WAYS];
    private final Op[][] tables = new Op[WAYS][];
    private int seenEpoch;
    private int seenGeneration;
    private int seenCsBase;

    /** Ops compiled (decodes) and lookups by address (statistics for tests and benchmarks). */
    long compiled, lookups;

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

    /** The op at CS:eip. Faults as an instruction fetch would (#PF with CR2, #GP for a too-long instruction). */
    Op lookup(int eip) {
        lookups++;
        int csBase = cpu.segBase[Cpu.CS];
        if (mmu.epoch != seenEpoch || generation != seenGeneration || csBase != seenCsBase) {
            forget();
        }
        boolean code32 = cpu.code32();
        int offset = code32 ? eip : eip & 0xffff;
        int lin = csBase + offset;
        int vpage = lin >>> 12;
        int key = vpage << 2 | cpu.codeMode();
        int way = vpage & (WAYS - 1);
        Op[] slots = keys[way] == key ? tables[way] : refill(lin, offset, code32, key, way);
        if (slots == null) {
            return uncached(offset, code32);
        }
        int at = lin & 0xfff;
        Op op = slots[at];
        if (op == null) {
            Instruction i = decode(offset, code32);
            if (at + i.length > 0x1000 || (!code32 && offset + i.length > 0x10000)) {
                return compile(i, code32); // crosses the page end (or the 16-bit wrap): never cached
            }
            op = compile(i, code32);
            if (code32 && at + i.length <= 0x1000 - 15) {
                op = fuseJcc(op, eip + i.length);
            }
            op.home = slots;
            slots[at] = op;
        }
        return op;
    }

    /** As {@link #lookup}, linking the op found into prev when both are in one table and eip is prev's successor. */
    Op lookupFrom(Op prev, int eip) {
        Op op = lookup(eip);
        Op[] home = op.home;
        if (home != null && home == prev.home) {
            if (eip == prev.nextEip && prev.linksNext()) {
                prev.next = op;
            } else if (eip == prev.target()) {
                prev.linkTarget(op);
            }
        } else if (home != null && prev.home != null && eip == prev.target()) {
            prev.linkFar(op, cpu);
        }
        return op;
    }

    /**
     * op and a Jcc right after it as one op, where op fuses ({@link Op#withJcc}); else op. The Jcc is decoded
     * from the same page (the caller checked it fits), so decoding ahead cannot fault.
     */
    private Op fuseJcc(Op op, int next) {
        if (op instanceof GenericOp) {
            return op;
        }
        if (Decoder.decode(executor, next, true, lookahead) != Decoder.OK) {
            return op;
        }
        int code = lookahead.opcode;
        boolean jcc = (code >= 0x70 && code <= 0x7F) || (code >= 0x180 && code <= 0x18F);
        if (!jcc || !lookahead.op32) {
            return op;
        }
        int end = next + lookahead.length;
        Op fused = op.withJcc(code & 15, end + lookahead.imm, end);
        return fused != null ? fused : op;
    }

    private Op uncached(int offset, boolean code32) {
        return compile(decode(offset, code32), code32);
    }

    private Op compile(Instruction i, boolean code32) {
        compiled++;
        return OpCompiler.compile(i, code32);
    }

    /**
     * Whether execution may continue from i to the physically next instruction through a link: not across
     * instructions that can change CS, CPL, the code size or the paging setup (far transfers, INT/IRET,
     * system instructions), where the fall-through address alone says too little.
     */
    static boolean linkable(Instruction i) {
        int op = i.opcode;
        return switch (op) {
            case 0x9A, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF, 0xEA, 0xF1 -> false;
            case 0xFF -> i.reg != 3 && i.reg != 5;
            default -> op < 0x100 || op >= 0x140;
        };
    }

    private void forget() {
        java.util.Arrays.fill(keys, -1);
        seenEpoch = mmu.epoch;
        seenGeneration = generation;
        seenCsBase = cpu.segBase[Cpu.CS];
    }

    private Instruction decode(int eip, boolean code32) {
        if (Decoder.decode(executor, eip, code32, scratch) != Decoder.OK) {
            throw CpuFault.gp(0);
        }
        return scratch;
    }

    private Op[] refill(int lin, int offset, boolean code32, int key, int way) {
        int pa = mmu.translate(lin, false, cpu.user); // the fetch's own page fault, CR2 = lin
        int generationBefore = generation;
        Op[] slots = tableFor(pa >>> 12, code32, offset - (lin & 0xfff));
        if (slots != null && generation == generationBefore) {
            keys[way] = key;
            tables[way] = slots;
        }
        return slots;
    }

    /** The table of page pfn for this code size and CS offset of the page start; null when not cacheable. */
    private Op[] tableFor(int pfn, boolean code32, int base) {
        if (pfn >= pages.length || phys.regionOfPage(pfn << 12) == null) {
            return null; // MMIO: every fetch goes to the bus
        }
        CodePage p = pages[pfn];
        if (p != null) {
            Op[] slots = code32 ? p.ops32 : p.ops16;
            if (slots != null && (code32 ? p.base32 : p.base16) == base) {
                return slots;
            }
            if (executor.retired < p.uncachedUntil) {
                return null;
            }
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
            Op[] old = code32 ? p.ops32 : p.ops16;
            if (old != null) {
                // The page runs at another CS offset than its ops carry: replace the table, and break every
                // chain through the old one (its ops are no longer watched for writes).
                CodePage.unlink(old);
                generation++;
                if (++p.invalidations >= THRASH_LIMIT) {
                    p.invalidations = 0;
                    p.uncachedUntil = executor.retired + UNCACHED_SPAN;
                }
            }
            Op[] slots = new Op[4096];
            if (code32) {
                p.ops32 = slots;
                p.base32 = base;
            } else {
                p.ops16 = slots;
                p.base16 = base;
            }
            return slots;
        }
    }

    /** A watched page was written: its ops may be stale. */
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
        p.dropTables();
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

    /** One line of statistics (benchmarks, tuning). */
    public String statistics() {
        return String.format("code cache: %d lookups, %d ops compiled, %d pages cached", lookups, compiled, liveCount);
    }

    /** Pages currently holding ops (for tests). */
    synchronized int cachedPages() {
        return liveCount;
    }

    /** Stops watching every page and leaves the tracker. */
    synchronized void close() {
        tracker.removeListener(this);
        dropAll();
    }
}
