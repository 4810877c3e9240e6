package dev.hyperbundle.interp.core;

/** An op with a static branch target (Jcc, JMP, CALL, LOOP, JECXZ), which the code cache links like the fall-through. */
abstract class BranchOp extends Op {
    /** Offset in CS of the branch target. */
    final int target;
    /** The op at {@link #target}, once linked (same page table only). */
    Op taken;

    BranchOp(int eip, int nextEip, int target) {
        super(eip, nextEip);
        this.target = target;
    }

    /** Continue at the branch target. */
    final Op jump(Executor x) {
        Op t = taken;
        if (t == null) {
            x.cpu.eip = target;
        }
        return t;
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
    }
}
