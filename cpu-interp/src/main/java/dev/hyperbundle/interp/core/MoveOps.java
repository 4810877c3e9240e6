package dev.hyperbundle.interp.core;

import dev.hyperbundle.interp.decoder.Instruction;

/**
 * Specialized data movement ops of 32-bit code: MOV in its register, memory and immediate forms (32-,
 * 16- and 8-bit), LEA, MOVZX/MOVSX, CMOVcc, SETcc, XCHG of registers, BSWAP, CDQ, CWDE and NOP. None of them
 * changes the flags; each writes its destination only after its memory access succeeded.
 */
final class MoveOps {
    private MoveOps() {
    }

    /** MOV r32, r32 or MOV r32, imm32 (89/8B mod 3, B8+r, C7 /0 mod 3): d = g[src] + imm, src NO_REG for an immediate. */
    static final class Reg32 extends Op {
        private final int dst, src, imm;

        Reg32(int eip, int nextEip, int dst, int src, int imm) {
            super(eip, nextEip);
            this.dst = dst;
            this.src = src;
            this.imm = imm;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.gpr;
            g[dst] = g[src] + imm;
            return fall(x);
        }
    }

    /** MOV r32, [mem] (8B, A1). */
    static final class Load32 extends MemOp {
        private final int reg;

        Load32(Instruction i, int nextEip, int reg) {
            super(i, nextEip);
            this.reg = reg;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = x.gpr;
            g[reg] = c.read32(seg, ea(g));
            return fall(x);
        }
    }

    /** MOV [mem], r32 or MOV [mem], imm32 (89, A3, C7: the value is g[reg] + imm, one of them 0). */
    static final class Store32 extends MemOp {
        private final int reg, imm;

        Store32(Instruction i, int nextEip, int reg, int imm) {
            super(i, nextEip);
            this.reg = reg;
            this.imm = imm;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = x.gpr;
            c.write32(seg, ea(g), g[reg] + imm);
            return fall(x);
        }
    }

    /** MOV r, r or MOV r, imm of 8 or 16 bits (88/8A mod 3, B0+r, C6/C7 mod 3; src -1 = the immediate). */
    static final class RRn extends Op {
        private final int size, dst, src, imm;

        RRn(int eip, int nextEip, int size, int dst, int src, int imm) {
            super(eip, nextEip);
            this.size = size;
            this.dst = dst;
            this.src = src;
            this.imm = imm;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.gpr;
            PartialRegister.set(g, size, dst, src < 0 ? imm : PartialRegister.get(g, size, src));
            return fall(x);
        }
    }

    /** MOV r, [mem] of 8 or 16 bits (8A, 8B, A0, A1). */
    static final class Loadn extends MemOp {
        private final int size, reg;

        Loadn(Instruction i, int nextEip, int size, int reg) {
            super(i, nextEip);
            this.size = size;
            this.reg = reg;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = x.gpr;
            PartialRegister.set(g, size, reg, c.read(size, seg, ea(g)));
            return fall(x);
        }
    }

    /** MOV [mem], r or MOV [mem], imm of 8 or 16 bits (88, 89, A2, A3, C6, C7; reg -1 = the immediate). */
    static final class Storen extends MemOp {
        private final int size, reg, imm;

        Storen(Instruction i, int nextEip, int size, int reg, int imm) {
            super(i, nextEip);
            this.size = size;
            this.reg = reg;
            this.imm = imm;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = x.gpr;
            c.write(size, seg, ea(g), reg < 0 ? imm : PartialRegister.get(g, size, reg));
            return fall(x);
        }
    }

    /** LEA r32, [mem]: the offset only, no access. */
    static final class Lea extends MemOp {
        private final int reg;

        Lea(Instruction i, int nextEip) {
            super(i, nextEip);
            this.reg = i.reg;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.gpr;
            g[reg] = ea(g);
            return fall(x);
        }
    }

    /** MOVZX/MOVSX r32, r/m8 or r/m16 (0F B6, B7, BE, BF). */
    static final class Extend extends MemOp {
        private final int reg, rm;
        private final boolean memory, word, signed;

        Extend(Instruction i, int nextEip) {
            super(i, nextEip);
            int op = i.opcode & 0xff;
            this.reg = i.reg;
            this.rm = i.rm;
            this.memory = i.mod != 3;
            this.word = (op & 1) != 0;
            this.signed = op >= 0xBE;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = x.gpr;
            int v;
            if (word) {
                v = memory ? c.read16(seg, ea(g)) : g[rm] & 0xffff;
                g[reg] = signed ? (short) v : v;
            } else {
                v = memory ? c.read8(seg, ea(g)) : PartialRegister.get8(g, rm);
                g[reg] = signed ? (byte) v : v;
            }
            return fall(x);
        }
    }

    /** CMOVcc r32, r/m32 (0F 40-4F): the source is read (and may fault) whatever the condition. */
    static final class Cmov extends MemOp {
        private final int cc, reg, rm;
        private final boolean memory;

        Cmov(Instruction i, int nextEip) {
            super(i, nextEip);
            this.cc = i.opcode & 15;
            this.reg = i.reg;
            this.rm = i.rm;
            this.memory = i.mod != 3;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int[] g = x.gpr;
            int v = memory ? c.read32(seg, ea(g)) : g[rm];
            if (x.flags.condition(cc)) {
                g[reg] = v;
            }
            return fall(x);
        }
    }

    /** SETcc r/m8 (0F 90-9F). */
    static final class Setcc extends MemOp {
        private final int cc, rm;
        private final boolean memory;

        Setcc(Instruction i, int nextEip) {
            super(i, nextEip);
            this.cc = i.opcode & 15;
            this.rm = i.rm;
            this.memory = i.mod != 3;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int v = x.flags.condition(cc) ? 1 : 0;
            if (memory) {
                c.write8(seg, ea(x.gpr), v);
            } else {
                PartialRegister.set8(x.gpr, rm, v);
            }
            return fall(x);
        }
    }

    /** XCHG r32, r32 (87 mod 3, 91-97). */
    static final class Xchg32 extends Op {
        private final int a, b;

        Xchg32(int eip, int nextEip, int a, int b) {
            super(eip, nextEip);
            this.a = a;
            this.b = b;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.gpr;
            int t = g[a];
            g[a] = g[b];
            g[b] = t;
            return fall(x);
        }
    }

    /** One-register ops without flags: BSWAP (0F C8+r), CDQ (99), CWDE (98), NOP (90). */
    static final class Unary extends Op {
        static final int BSWAP = 0, CDQ = 1, CWDE = 2, NOP = 3;
        private final int kind, reg;

        Unary(int eip, int nextEip, int kind, int reg) {
            super(eip, nextEip);
            this.kind = kind;
            this.reg = reg;
        }

        @Override
        Op run(Executor x) {
            int[] g = x.gpr;
            switch (kind) {
                case BSWAP -> g[reg] = Integer.reverseBytes(g[reg]);
                case CDQ -> g[Cpu.EDX] = g[Cpu.EAX] >> 31;
                case CWDE -> g[Cpu.EAX] = (short) g[Cpu.EAX];
                default -> { }
            }
            return fall(x);
        }
    }
}
