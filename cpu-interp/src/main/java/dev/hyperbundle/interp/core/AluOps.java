package dev.hyperbundle.interp.core;

import dev.hyperbundle.interp.decoder.Instruction;

/**
 * Specialized integer arithmetic ops of 32-bit code: the eight ALU operations and TEST in their register,
 * memory and immediate forms (32- and 8-bit operands), INC/DEC, shifts and rotates, the F7 group,
 * two- and three-operand IMUL. The semantics are {@link Alu} and {@link MulDiv}, shared with the general
 * path; an ALU kind is one of {@link Alu#ADD} ... {@link Alu#CMP} or {@link #TEST}.
 *
 * <p>A memory destination is read with write access checked first ({@link Mmu#read32ForWrite}), so the
 * store after the flags were set cannot fault (SDM Vol. 3A, 6.5: a fault leaves the flags unchanged).
 */
final class AluOps {
    /** TEST: AND that only sets the flags. */
    static final int TEST = 8;

    private AluOps() {
    }

    /** The operation Alu performs for kind. */
    static int operation(int kind) {
        return kind == TEST ? Alu.AND : kind;
    }

    /** CMP and TEST only set the flags. */
    static boolean writes(int kind) {
        return kind != Alu.CMP && kind != TEST;
    }

    /** op r32, r32 (dst = dst op src). */
    static final class RR32 extends Op {
        private final int op, dst, src;
        private final boolean writes;

        RR32(int eip, int nextEip, int kind, int dst, int src) {
            super(eip, nextEip);
            this.op = operation(kind);
            this.writes = writes(kind);
            this.dst = dst;
            this.src = src;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.cpu.gpr;
            int r = Alu.binary(x.flags, op, 4, g[dst], g[src]);
            if (writes) {
                g[dst] = r;
            }
            return fall(x);
        }
    }

    /** op r32, imm. */
    static final class RI32 extends Op {
        private final int op, dst, imm;
        private final boolean writes;

        RI32(int eip, int nextEip, int kind, int dst, int imm) {
            super(eip, nextEip);
            this.op = operation(kind);
            this.writes = writes(kind);
            this.dst = dst;
            this.imm = imm;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.cpu.gpr;
            int r = Alu.binary(x.flags, op, 4, g[dst], imm);
            if (writes) {
                g[dst] = r;
            }
            return fall(x);
        }
    }

    /** op r32, [mem]. */
    static final class RM32 extends MemOp {
        private final int op, reg;
        private final boolean writes;

        RM32(Instruction i, int nextEip, int kind) {
            super(i, nextEip);
            this.op = operation(kind);
            this.writes = writes(kind);
            this.reg = i.reg;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = c.gpr;
            int v = c.read32(seg, ea(g));
            int r = Alu.binary(x.flags, op, 4, g[reg], v);
            if (writes) {
                g[reg] = r;
            }
            return fall(x);
        }
    }

    /** op [mem], r32 or op [mem], imm (src = register, or the immediate when reg is {@link Cpu#NO_REG}). */
    static final class MR32 extends MemOp {
        private final int op, reg, imm;
        private final boolean writes;

        MR32(Instruction i, int nextEip, int kind, int reg, int imm) {
            super(i, nextEip);
            this.op = operation(kind);
            this.writes = writes(kind);
            this.reg = reg;
            this.imm = imm;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = c.gpr;
            int src = g[reg] + imm; // one of the two is 0
            int off = ea(g);
            if (!writes) {
                Alu.binary(x.flags, op, 4, c.read32(seg, off), src);
                return fall(x);
            }
            int lin = c.linear(seg, off, 4, true);
            int r = Alu.binary(x.flags, op, 4, c.mmu.read32ForWrite(lin, c.user), src);
            c.mmu.write32(lin, c.user, r);
            return fall(x);
        }
    }

    /** op r8, r8 or op r8, imm8 (src = byte register, or the immediate when src is -1). */
    static final class RR8 extends Op {
        private final int op, dst, src, imm;
        private final boolean writes;

        RR8(int eip, int nextEip, int kind, int dst, int src, int imm) {
            super(eip, nextEip);
            this.op = operation(kind);
            this.writes = writes(kind);
            this.dst = dst;
            this.src = src;
            this.imm = imm;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.cpu.gpr;
            int b = src < 0 ? imm : Reg8.get(g, src);
            int r = Alu.binary(x.flags, op, 1, Reg8.get(g, dst), b);
            if (writes) {
                Reg8.set(g, dst, r);
            }
            return fall(x);
        }
    }

    /** op r8, [mem]. */
    static final class RM8 extends MemOp {
        private final int op, reg;
        private final boolean writes;

        RM8(Instruction i, int nextEip, int kind) {
            super(i, nextEip);
            this.op = operation(kind);
            this.writes = writes(kind);
            this.reg = i.reg;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = c.gpr;
            int v = c.read8(seg, ea(g));
            int r = Alu.binary(x.flags, op, 1, Reg8.get(g, reg), v);
            if (writes) {
                Reg8.set(g, reg, r);
            }
            return fall(x);
        }
    }

    /** op [mem], r8 or op [mem], imm8 (src = byte register, or the immediate when reg is -1). */
    static final class MR8 extends MemOp {
        private final int op, reg, imm;
        private final boolean writes;

        MR8(Instruction i, int nextEip, int kind, int reg, int imm) {
            super(i, nextEip);
            this.op = operation(kind);
            this.writes = writes(kind);
            this.reg = reg;
            this.imm = imm;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = c.gpr;
            int src = reg < 0 ? imm : Reg8.get(g, reg);
            int off = ea(g);
            if (!writes) {
                Alu.binary(x.flags, op, 1, c.read8(seg, off), src);
                return fall(x);
            }
            int lin = c.linear(seg, off, 1, true);
            int r = Alu.binary(x.flags, op, 1, c.mmu.read8ForWrite(lin, c.user), src);
            c.mmu.write8(lin, c.user, r);
            return fall(x);
        }
    }

    /** INC r32 / DEC r32 (40+r, 48+r, FF /0 /1): CF unchanged. */
    static final class IncDec32 extends Op {
        private final int reg, kind, delta;

        IncDec32(int eip, int nextEip, int reg, boolean inc) {
            super(eip, nextEip);
            this.reg = reg;
            this.kind = inc ? Flags.INC : Flags.DEC;
            this.delta = inc ? 1 : -1;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.cpu.gpr;
            int v = g[reg];
            int r = v + delta;
            g[reg] = r;
            x.flags.setIncDec(kind, 4, v, r);
            return fall(x);
        }
    }

    /** INC/DEC dword [mem] (FF /0 /1). */
    static final class IncDecM32 extends MemOp {
        private final int kind, delta;

        IncDecM32(Instruction i, int nextEip, boolean inc) {
            super(i, nextEip);
            this.kind = inc ? Flags.INC : Flags.DEC;
            this.delta = inc ? 1 : -1;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int lin = c.linear(seg, ea(c.gpr), 4, true);
            int v = c.mmu.read32ForWrite(lin, c.user);
            int r = v + delta;
            c.mmu.write32(lin, c.user, r);
            x.flags.setIncDec(kind, 4, v, r);
            return fall(x);
        }
    }

    /** Group 2 on a 32-bit register: count from the immediate, or CL when count is -1 (C1, D1, D3). */
    static final class Shift32 extends Op {
        private final int kind, reg, count;

        Shift32(int eip, int nextEip, int kind, int reg, int count) {
            super(eip, nextEip);
            this.kind = kind;
            this.reg = reg;
            this.count = count;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.cpu.gpr;
            int n = count < 0 ? g[Cpu.ECX] : count;
            if ((n & 0x1f) != 0) {
                g[reg] = Alu.shift(x.flags, kind, 4, g[reg], n);
            }
            return fall(x);
        }
    }

    /** Group 3 on a 32-bit register or memory source: NOT, NEG (register only), MUL, IMUL, DIV, IDIV (F7 /2-/7). */
    static final class Group3 extends MemOp {
        private final int kind, rm;
        private final boolean memory;

        Group3(Instruction i, int nextEip) {
            super(i, nextEip);
            this.kind = i.reg;
            this.rm = i.rm;
            this.memory = i.mod != 3;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = c.gpr;
            int v = memory ? c.read32(seg, ea(g)) : g[rm];
            switch (kind) {
                case 2 -> g[rm] = ~v;
                case 3 -> {
                    g[rm] = -v;
                    x.flags.set(Flags.SUB, 4, 0, v, -v);
                }
                case 4 -> MulDiv.mul(c, 4, v);
                case 5 -> MulDiv.imul1(c, 4, v);
                case 6 -> MulDiv.div(c, 4, v);
                default -> MulDiv.idiv(c, 4, v);
            }
            return fall(x);
        }
    }

    /** IMUL r32, r/m32 (0F AF) and IMUL r32, r/m32, imm (69, 6B: a = the immediate when useImm). */
    static final class Imul32 extends MemOp {
        private final int reg, rm, imm;
        private final boolean memory, useImm;

        Imul32(Instruction i, int nextEip, boolean useImm) {
            super(i, nextEip);
            this.reg = i.reg;
            this.rm = i.rm;
            this.imm = i.imm;
            this.memory = i.mod != 3;
            this.useImm = useImm;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = c.gpr;
            int v = memory ? c.read32(seg, ea(g)) : g[rm];
            g[reg] = MulDiv.imul2(c, 4, useImm ? imm : g[reg], v);
            return fall(x);
        }
    }
}
