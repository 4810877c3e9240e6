package dev.hyperbundle.interp.core;

import dev.hyperbundle.interp.decoder.Instruction;

/**
 * Specialized integer arithmetic ops of 32-bit code: the eight ALU operations and TEST in their register,
 * memory and immediate forms (32-bit operands, and 8- and 16-bit ones in the "n" forms), INC/DEC, shifts
 * and rotates, BT/BTS/BTR/BTC, the F7 group, two- and three-operand IMUL. The semantics are {@link Alu} and {@link MulDiv}, shared with the general
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

    /** op r32, r32 or op r32, imm: the source is g[src] + imm, src being {@link Cpu#NO_REG} for an immediate. */
    static final class Reg32 extends Op {
        private final int op, dst, src, imm;
        private final boolean writes;

        Reg32(int eip, int nextEip, int kind, int dst, int src, int imm) {
            super(eip, nextEip);
            this.op = operation(kind);
            this.writes = writes(kind);
            this.dst = dst;
            this.src = src;
            this.imm = imm;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.gpr;
            int r = Alu.binary(x.flags, op, 4, g[dst], g[src] + imm);
            if (writes) {
                g[dst] = r;
            }
            return fall(x);
        }

        @Override
        Op withJcc(int cc, int target, int jccEnd) {
            return new AluJcc(eip, jccEnd, target, op, writes, dst, src, imm, cc);
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
            int[] g = x.gpr;
            int v = c.read32(seg, ea(g));
            int r = Alu.binary(x.flags, op, 4, g[reg], v);
            if (writes) {
                g[reg] = r;
            }
            return fall(x);
        }

        @Override
        Op withJcc(int cc, int target, int jccEnd) {
            return new MemoryAluJcc(this, jccEnd, target, op, writes, false, reg, 0, cc);
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
            int[] g = x.gpr;
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

        @Override
        Op withJcc(int cc, int target, int jccEnd) {
            return writes ? null : new MemoryAluJcc(this, jccEnd, target, op, false, true, reg, imm, cc);
        }
    }

    /**
     * CMP/TEST (or another ALU operation whose result goes to a register) with a 32-bit memory operand,
     * fused with the Jcc after it. The memory read is the only access that can fault, and it comes first,
     * so a fault restarts the pair with nothing changed.
     */
    static final class MemoryAluJcc extends BranchOp {
        private final int base, index, scale, disp, seg, op, reg, imm, cc;
        private final boolean writes, memoryFirst;

        /** memoryFirst: [mem] op (reg + imm), flags only; else reg = reg op [mem] (written when writes). */
        MemoryAluJcc(MemOp m, int nextEip, int target, int op, boolean writes, boolean memoryFirst, int reg, int imm, int cc) {
            super(m.eip, nextEip, target);
            this.base = m.base;
            this.index = m.index;
            this.scale = m.scale;
            this.disp = m.disp;
            this.seg = m.seg;
            this.op = op;
            this.writes = writes;
            this.memoryFirst = memoryFirst;
            this.reg = reg;
            this.imm = imm;
            this.cc = cc;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.gpr;
            int v = x.cpu.read32(seg, disp + g[base] + (g[index] << scale));
            if (memoryFirst) {
                Alu.binary(x.flags, op, 4, v, g[reg] + imm);
            } else {
                int r = Alu.binary(x.flags, op, 4, g[reg], v);
                if (writes) {
                    g[reg] = r;
                }
            }
            x.retired++; // two instructions
            return x.flags.condition(cc) ? jump(x) : fall(x);
        }
    }

    /** op r, r or op r, imm on an 8- or 16-bit operand (src = a register, or the immediate when src is -1). */
    static final class RRn extends Op {
        private final int op, size, dst, src, imm;
        private final boolean writes;

        RRn(int eip, int nextEip, int kind, int size, int dst, int src, int imm) {
            super(eip, nextEip);
            this.op = operation(kind);
            this.writes = writes(kind);
            this.size = size;
            this.dst = dst;
            this.src = src;
            this.imm = imm;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.gpr;
            int b = src < 0 ? imm : PartialRegister.get(g, size, src);
            int r = Alu.binary(x.flags, op, size, PartialRegister.get(g, size, dst), b);
            if (writes) {
                PartialRegister.set(g, size, dst, r);
            }
            return fall(x);
        }
    }

    /** op r, [mem] on an 8- or 16-bit operand. */
    static final class RMn extends MemOp {
        private final int op, size, reg;
        private final boolean writes;

        RMn(Instruction i, int nextEip, int kind, int size) {
            super(i, nextEip);
            this.op = operation(kind);
            this.writes = writes(kind);
            this.size = size;
            this.reg = i.reg;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = x.gpr;
            int v = c.read(size, seg, ea(g));
            int r = Alu.binary(x.flags, op, size, PartialRegister.get(g, size, reg), v);
            if (writes) {
                PartialRegister.set(g, size, reg, r);
            }
            return fall(x);
        }
    }

    /** op [mem], r or op [mem], imm on an 8- or 16-bit operand (reg -1 = the immediate). */
    static final class MRn extends MemOp {
        private final int op, size, reg, imm;
        private final boolean writes;

        MRn(Instruction i, int nextEip, int kind, int size, int reg, int imm) {
            super(i, nextEip);
            this.op = operation(kind);
            this.writes = writes(kind);
            this.size = size;
            this.reg = reg;
            this.imm = imm;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = x.gpr;
            int src = reg < 0 ? imm : PartialRegister.get(g, size, reg);
            int off = ea(g);
            if (!writes) {
                Alu.binary(x.flags, op, size, c.read(size, seg, off), src);
                return fall(x);
            }
            int lin = c.linear(seg, off, size, true);
            int r = Alu.binary(x.flags, op, size, c.mmu.readForWrite(lin, size, c.user), src);
            c.mmu.write(lin, size, c.user, r);
            return fall(x);
        }
    }

    /** INC/DEC of a register (40+r, 48+r, FE/FF /0 /1 mod 3): CF unchanged. */
    static final class IncDec extends Op {
        private final int size, reg, kind, delta;

        IncDec(int eip, int nextEip, int size, int reg, boolean inc) {
            super(eip, nextEip);
            this.size = size;
            this.reg = reg;
            this.kind = inc ? Flags.INC : Flags.DEC;
            this.delta = inc ? 1 : -1;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.gpr;
            int v = size == 4 ? g[reg] : PartialRegister.get(g, size, reg);
            int r = v + delta;
            if (size == 4) {
                g[reg] = r;
            } else {
                PartialRegister.set(g, size, reg, r);
            }
            x.flags.setIncDec(kind, size, v, r);
            return fall(x);
        }

        @Override
        Op withJcc(int cc, int target, int jccEnd) {
            return size == 4 ? new IncDecJcc(eip, jccEnd, target, reg, kind, delta, cc) : null;
        }
    }

    /**
     * An ALU operation on a 32-bit register with a register or immediate source (src + imm, one of them
     * {@link Cpu#NO_REG}/0), fused with the Jcc after it: one dispatch for the compare-and-branch pair.
     */
    static final class AluJcc extends BranchOp {
        private final int op, dst, src, imm, cc;
        private final boolean writes;

        AluJcc(int eip, int nextEip, int target, int op, boolean writes, int dst, int src, int imm, int cc) {
            super(eip, nextEip, target);
            this.op = op;
            this.writes = writes;
            this.dst = dst;
            this.src = src;
            this.imm = imm;
            this.cc = cc;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.gpr;
            int r = Alu.binary(x.flags, op, 4, g[dst], g[src] + imm);
            if (writes) {
                g[dst] = r;
            }
            x.retired++; // two instructions
            return x.flags.condition(cc) ? jump(x) : fall(x);
        }
    }

    /** INC/DEC of a 32-bit register fused with the Jcc after it (the loop counter idiom). */
    static final class IncDecJcc extends BranchOp {
        private final int reg, kind, delta, cc;

        IncDecJcc(int eip, int nextEip, int target, int reg, int kind, int delta, int cc) {
            super(eip, nextEip, target);
            this.reg = reg;
            this.kind = kind;
            this.delta = delta;
            this.cc = cc;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.gpr;
            int v = g[reg];
            int r = v + delta;
            g[reg] = r;
            x.flags.setIncDec(kind, 4, v, r);
            x.retired++; // two instructions
            return x.flags.condition(cc) ? jump(x) : fall(x);
        }
    }

    /** INC/DEC of memory (FE/FF /0 /1). */
    static final class IncDecM extends MemOp {
        private final int size, kind, delta;

        IncDecM(Instruction i, int nextEip, int size, boolean inc) {
            super(i, nextEip);
            this.size = size;
            this.kind = inc ? Flags.INC : Flags.DEC;
            this.delta = inc ? 1 : -1;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int lin = c.linear(seg, ea(x.gpr), size, true);
            int v = c.mmu.readForWrite(lin, size, c.user);
            int r = v + delta;
            c.mmu.write(lin, size, c.user, r);
            x.flags.setIncDec(kind, size, v, r);
            return fall(x);
        }
    }

    /**
     * Group 2 (ROL ... SAR) on a register or memory operand of 1, 2 or 4 bytes: count from the immediate,
     * or CL when count is -1 (C0, C1, D0-D3). A masked count of 0 changes nothing, not even the memory.
     */
    static final class Shift extends MemOp {
        private final int kind, size, rm, count;
        private final boolean memory;

        Shift(Instruction i, int nextEip, int size, int count) {
            super(i, nextEip);
            this.kind = i.reg;
            this.size = size;
            this.rm = i.rm;
            this.count = count;
            this.memory = i.mod != 3;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = x.gpr;
            int n = count < 0 ? g[Cpu.ECX] : count;
            if (memory) {
                if ((n & 0x1f) == 0) {
                    c.read(size, seg, ea(g)); // read, not written, as on the general path
                } else {
                    int lin = c.linear(seg, ea(g), size, true);
                    int v = c.mmu.readForWrite(lin, size, c.user);
                    c.mmu.write(lin, size, c.user, Alu.shift(x.flags, kind, size, v, n));
                }
            } else if ((n & 0x1f) != 0) {
                if (size == 4) {
                    g[rm] = Alu.shift(x.flags, kind, 4, g[rm], n);
                } else {
                    PartialRegister.set(g, size, rm, Alu.shift(x.flags, kind, size, PartialRegister.get(g, size, rm), n));
                }
            }
            return fall(x);
        }
    }

    /**
     * BT/BTS/BTR/BTC with a 32-bit operand: a register with a register or immediate bit offset, or memory
     * with an immediate offset (0F A3/AB/B3/BB mod 3, 0F BA /4-/7). Only CF changes; the other arithmetic
     * flags are undefined (SDM Vol. 2A, BT) and stay as they were, as on the general path.
     */
    static final class BitTest extends MemOp {
        /** 0 BT, 1 BTS, 2 BTR, 3 BTC. */
        private final int kind, rm, offsetReg, imm;
        private final boolean memory;

        BitTest(Instruction i, int nextEip, int kind, int offsetReg) {
            super(i, nextEip);
            this.kind = kind;
            this.rm = i.rm;
            this.offsetReg = offsetReg;
            this.imm = i.imm & 0xff;
            this.memory = i.mod != 3;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = x.gpr;
            int bit = (offsetReg < 0 ? imm : g[offsetReg]) & 31;
            int lin = 0;
            int v;
            if (!memory) {
                v = g[rm];
            } else if (kind == 0) {
                v = c.read32(seg, ea(g));
            } else {
                lin = c.linear(seg, ea(g), 4, true);
                v = c.mmu.read32ForWrite(lin, c.user);
            }
            int r = switch (kind) {
                case 1 -> v | (1 << bit);
                case 2 -> v & ~(1 << bit);
                case 3 -> v ^ (1 << bit);
                default -> v;
            };
            if (kind != 0) {
                if (memory) {
                    c.mmu.write32(lin, c.user, r);
                } else {
                    g[rm] = r;
                }
            }
            x.flags.setCarry(((v >>> bit) & 1) != 0);
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
            int[] g = x.gpr;
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
            int[] g = x.gpr;
            int v = memory ? c.read32(seg, ea(g)) : g[rm];
            g[reg] = MulDiv.imul2(c, 4, useImm ? imm : g[reg], v);
            return fall(x);
        }
    }
}
