package dev.hyperbundle.interp.core;

/**
 * The ops of one physical page, by byte offset, one table per code size (CS.D), because the same bytes
 * decode differently as 16- and 32-bit code. A table exists only while the page is watched in the
 * {@link dev.hyperbundle.memory.WriteTracker}. Ops carry CS offsets, so a table is also tied to the CS
 * offset of the page's first byte ({@link #base16}, {@link #base32}): running the same bytes at another
 * linear address or CS base replaces the table.
 */
final class CodePage {
    final int pfn;
    Op[] ops16;
    Op[] ops32;
    int base16;
    int base32;
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
        return ops16 != null || ops32 != null;
    }

    /** Clears every link of the ops in both tables and drops the tables. */
    void dropTables() {
        unlink(ops16);
        unlink(ops32);
        ops16 = null;
        ops32 = null;
    }

    static void unlink(Op[] table) {
        if (table != null) {
            for (Op op : table) {
                if (op != null) {
                    op.unlink();
                }
            }
        }
    }
}
