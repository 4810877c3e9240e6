package dev.hyperbundle.interp.core;

/** An op with a static branch target (Jcc, JMP, CALL, LOOP, JECXZ), which the code cache links like the fall-through. */
abstract class BranchOp extends Op {
    /** Offset in CS of the branch target. */
    final int target;
    /** The op at {@link #target}, once linked (same page table only). */
    Op taken;
    /**
     * The op at {@link #target} when it is in another page (calls into other pages are the common case),
     * valid while that op's table lives and the TLB epoch, CS base, CPL class and code size are those at
     * linking time: then a lookup would find the same op.
     */
    Op far;
    private int farEpoch, farCsBase, farMode;

    BranchOp(int eip, int nextEip, int target) {
        super(eip, nextEip);
        this.target = target;
    }

    /** Continue at the branch target. */
    final Op jump(Executor x) {
        Op t = taken;
        if (t != null) {
            return t;
        }
        Op f = far;
        Cpu c = x.cpu;
        if (f != null && !f.dropped && farEpoch == c.mmu.epoch && farCsBase == c.segBase[Cpu.CS] && farMode == c.codeMode()) {
            return f;
        }
        c.eip = target;
        return null;
    }

    @Override
    final void linkFar(Op op, Cpu c) {
        far = op;
        farEpoch = c.mmu.epoch;
        farCsBase = c.segBase[Cpu.CS];
        farMode = c.codeMode();
    }

    @Override
    final int target() {
        return target;
    }

    @Override
    final void linkTarget(Op op) {
        taken = op;
    }

    @Override
    final void unlink() {
        next = null;
        taken = null;
        far = null;
        dropped = true;
    }
}
