package dev.hyperbundle.interp.core;

import dev.hyperbundle.interp.decoder.Instruction;

/**
 * The decoded instructions of one physical page, by byte offset, one table per code size (CS.D),
 * because the same bytes decode differently as 16- and 32-bit code. A table exists only while the
 * page is watched in the {@link dev.hyperbundle.memory.WriteTracker}.
 */
final class CodePage {
    final int pfn;
    Instruction[] slots16;
    Instruction[] slots32;
    /** Writes that dropped this page's tables; a page written this often is left undecoded for a while. */
    int invalidations;
    /** While {@link Executor#retired} is below this, the page is decoded on every execution, not cached. */
    long uncachedUntil;
    /** Position in {@link CodeCache}'s list of pages with tables. */
    int liveIndex;

    CodePage(int pfn) {
        this.pfn = pfn;
    }

    boolean hasTables() {
        return slots16 != null || slots32 != null;
    }
}
