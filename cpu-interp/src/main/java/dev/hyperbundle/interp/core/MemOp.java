package dev.hyperbundle.interp.core;

import dev.hyperbundle.interp.decoder.Instruction;

/**
 * An op with a 32-bit-addressing memory operand: disp + base + index << scale in segment seg. An absent
 * base or index is {@link Cpu#NO_REG}, which reads as 0, so the address needs no branch.
 */
abstract class MemOp extends Op {
    final int base;
    final int index;
    final int scale;
    final int disp;
    final int seg;

    MemOp(Instruction i, int nextEip) {
        super(i.eip, nextEip);
        base = i.base < 0 ? Cpu.NO_REG : i.base;
        index = i.index < 0 ? Cpu.NO_REG : i.index;
        scale = i.scale;
        disp = i.disp;
        seg = i.segment();
    }

    final int ea(int[] g) {
        return disp + g[base] + (g[index] << scale);
    }
}
