package dev.hyperbundle.interp.core;

/**
 * One decoded instruction, specialized for its opcode and operand form so that running it needs no
 * further decoding (the interpreter's "threaded code"). {@link OpCompiler} makes ops from decoded
 * {@link dev.hyperbundle.interp.decoder.Instruction}s; {@link CodeCache} keeps them per physical page.
 *
 * <p>Running: {@link #run} performs the instruction and returns the op to run next, or null after it
 * set {@code cpu.eip} (the next op is then looked up). Ops do not keep {@code cpu.eip} up to date
 * otherwise: the run loop stores {@link #eip} of the next op when it stops, and of the faulting op when
 * a {@link CpuFault} leaves it. Every op performs all accesses that can fault before it changes any
 * register or flag, so a fault restarts the instruction cleanly (SDM Vol. 3A, 6.5).
 *
 * <p>Links: {@link #next} is the op at {@link #nextEip} in the same page table, set by the code cache
 * the first time the fall-through is looked up. When a page's table is dropped (its bytes were written)
 * the links of its ops are cleared, so a running op that modified its own page returns null and the
 * next instruction is decoded afresh.
 */
abstract class Op {
    /** Offset in CS of the first byte (where a fault restarts). */
    final int eip;
    /** Offset in CS of the next instruction. */
    final int nextEip;
    /** The table this op was cached in (null when not cached): links stay within one table. */
    Op[] home;
    /** The op at {@link #nextEip}, once linked. */
    Op next;
    /** Set when the op's table was dropped: links from other pages to it are then stale. */
    boolean dropped;

    Op(int eip, int nextEip) {
        this.eip = eip;
        this.nextEip = nextEip;
    }

    /** Performs the instruction; returns the next op, or null with {@code x.cpu.eip} set. */
    abstract Op run(Executor x);

    /** Whether the code cache may link the fall-through (false where CS, CPL, code size or paging may change). */
    boolean linksNext() {
        return true;
    }

    /** The static branch target, or -1 when the op has none the cache can link. */
    int target() {
        return -1;
    }

    /** Links the op at {@link #target()} (for branch ops). */
    void linkTarget(Op op) {
    }

    /**
     * This instruction and the Jcc that follows it (condition cc, target, ending at jccEnd) as one op, or
     * null when this op does not fuse. Only ops that cannot fault fuse, so the pair restarts as a whole.
     */
    Op withJcc(int cc, int target, int jccEnd) {
        return null;
    }

    /** Links op, in another page table, as the branch target (for branch ops); see {@link BranchOp#far}. */
    void linkFar(Op op, Cpu cpu) {
    }

    /** Drops every link (the table was dropped). */
    void unlink() {
        next = null;
        dropped = true;
    }

    /** Continue with the next instruction. */
    final Op fall(Executor x) {
        Op n = next;
        if (n == null) {
            x.cpu.eip = nextEip;
        }
        return n;
    }
}
