package dev.hyperbundle.interp.core;

import dev.hyperbundle.interp.decoder.Instruction;

/**
 * Specialized control flow and stack ops of 32-bit code with a 32-bit operand size: Jcc, JMP, CALL and
 * RET near (direct and indirect), PUSH and POP, LEAVE. Stack accesses go through {@link Cpu#push} and
 * {@link Cpu#pop}, which honour a 16-bit stack segment; each op changes ESP only after its memory access
 * succeeded.
 */
final class FlowOps {
    private FlowOps() {
    }

    /** Jcc rel8/rel32 (70-7F, 0F 80-8F). */
    static final class Jcc extends BranchOp {
        private final int cc;

        Jcc(int eip, int nextEip, int target, int cc) {
            super(eip, nextEip, target);
            this.cc = cc;
        }

        @Override
        Op run(Executor x) {
            return x.flags.condition(cc) ? jump(x) : fall(x);
        }
    }

    /** JMP rel8/rel32 (EB, E9). */
    static final class Jmp extends BranchOp {
        Jmp(int eip, int nextEip, int target) {
            super(eip, nextEip, target);
        }

        @Override
        Op run(Executor x) {
            return jump(x);
        }
    }

    /**
     * CALL rel32 (E8): pushes the next instruction's offset. Its {@link #next} link (a CALL never falls
     * through) holds the op at the return address, which the return predictor hands to the matching RET.
     */
    static final class Call extends BranchOp {
        Call(int eip, int nextEip, int target) {
            super(eip, nextEip, target);
        }

        @Override
        Op run(Executor x) {
            x.cpu.push32(nextEip);
            x.returns.push(this);
            return jump(x);
        }
    }

    /** RET and RET imm16 (C3, C2): pops the return offset, then releases imm bytes. */
    static final class Ret extends Op {
        private final int release;

        Ret(int eip, int nextEip, int release) {
            super(eip, nextEip);
            this.release = release;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int target = c.pop32(); // a fault leaves ESP unchanged
            if (release != 0) {
                c.setSp(c.sp() + release);
            }
            Op predicted = x.returns.predict(target);
            if (predicted == null) {
                c.eip = target;
            }
            return predicted;
        }
    }

    /** CALL r/m32 and JMP r/m32 (FF /2, FF /4). */
    static final class Indirect extends MemOp {
        private final int rm;
        private final boolean memory, call;

        Indirect(Instruction i, int nextEip) {
            super(i, nextEip);
            this.rm = i.rm;
            this.memory = i.mod != 3;
            this.call = i.reg == 2;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int target = memory ? c.read32(seg, ea(x.gpr)) : x.gpr[rm];
            if (call) {
                c.push32(nextEip);
            }
            c.eip = target;
            return null;
        }
    }

    /** PUSH r32, PUSH imm, PUSH r/m32 (50+r, 68, 6A, FF /6): the value is read before ESP moves, so PUSH ESP pushes the old ESP. */
    static final class Push extends MemOp {
        static final int REGISTER = 0, IMMEDIATE = 1, MEMORY = 2;
        private final int form, reg, imm;

        Push(Instruction i, int nextEip, int form, int reg) {
            super(i, nextEip);
            this.form = form;
            this.reg = reg;
            this.imm = i.imm;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int v = switch (form) {
                case REGISTER -> x.gpr[reg];
                case IMMEDIATE -> imm;
                default -> c.read32(seg, ea(x.gpr));
            };
            c.push32(v);
            return fall(x);
        }
    }

    /** POP r32 (58+r): the register is written after ESP moved, so POP ESP loads the popped value. */
    static final class Pop extends Op {
        private final int reg;

        Pop(int eip, int nextEip, int reg) {
            super(eip, nextEip);
            this.reg = reg;
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            x.gpr[reg] = c.pop32();
            return fall(x);
        }
    }

    /** LEAVE (C9) with a 32-bit operand size: ESP = EBP (as SP or ESP by SS.B), then POP EBP. */
    static final class Leave extends Op {
        Leave(int eip, int nextEip) {
            super(eip, nextEip);
        }

        @Override
        Op run(Executor x) {
            Cpu c = x.cpu;
            int bp = c.stack32() ? x.gpr[Cpu.EBP] : x.gpr[Cpu.EBP] & 0xffff;
            int v = c.read32(Cpu.SS, bp);
            c.setSp(bp + 4);
            x.gpr[Cpu.EBP] = v;
            return fall(x);
        }
    }
}
