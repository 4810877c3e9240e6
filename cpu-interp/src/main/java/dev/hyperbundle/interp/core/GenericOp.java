package dev.hyperbundle.interp.core;

import dev.hyperbundle.interp.decoder.Instruction;

/**
 * Any instruction, run by the general {@link Executor#execute} path: everything {@link OpCompiler} has no
 * specialized op for (system instructions, far transfers, x87, 16-bit forms, string instructions ...).
 *
 * <p>After an instruction that may make an interrupt deliverable or that talked to a device (IF changed,
 * an interrupt shadow began, HLT, IN/OUT) or that left TF set (single-stepping begins), the op asks the run
 * loop to stop, so the vCPU looks at pending events at that instruction boundary as the hardware does.
 */
final class GenericOp extends Op {
    private final Instruction insn = new Instruction();
    /** The instruction may change the flags and then fault: snapshot them first ({@link FlagSafety}). */
    private final boolean snapshot;
    private final boolean links;

    GenericOp(Instruction i, int nextEip) {
        super(i.eip, nextEip);
        insn.copyFrom(i);
        snapshot = FlagSafety.needsSnapshot(i);
        links = CodeCache.linkable(i);
    }

    @Override
    Op run(Executor x) {
        Cpu cpu = x.cpu;
        int ifBefore = cpu.flags.bits & Flags.IF;
        x.executeGeneric(insn, snapshot);
        if (cpu.halted || cpu.interruptShadow != 0 || cpu.portAccessed || (cpu.flags.bits & Flags.IF) != ifBefore
                || (cpu.flags.bits & Flags.TF) != 0) {
            cpu.portAccessed = false;
            x.stop = true;
            return null;
        }
        return links && cpu.eip == nextEip ? next : null;
    }

    @Override
    boolean linksNext() {
        return links;
    }

    @Override
    public String toString() {
        return "generic " + insn;
    }
}
