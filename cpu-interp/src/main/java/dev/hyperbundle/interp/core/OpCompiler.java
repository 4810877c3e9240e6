package dev.hyperbundle.interp.core;

import dev.hyperbundle.interp.decoder.Instruction;

/**
 * Turns a decoded instruction into an {@link Op}: a specialized op for the frequent forms of 32-bit code
 * (32-bit operand and address size, no LOCK), a {@link GenericOp} for everything else. A specialized op
 * must behave exactly as {@link Executor#execute} does for the same instruction; the backend test kit
 * and the differential tests check that.
 */
final class OpCompiler {
    private OpCompiler() {
    }

    static Op compile(Instruction i, boolean code32) {
        int next = i.eip + i.length;
        if (!code32) {
            return new GenericOp(i, next & 0xffff);
        }
        Op op = i.lock ? null : specialize(i, next);
        return op != null ? op : new GenericOp(i, next);
    }

    /** The specialized op, or null. */
    private static Op specialize(Instruction i, int next) {
        int op = i.opcode;
        boolean reg = !i.hasModrm || i.mod == 3;
        if (!reg && !i.addr32) {
            return null; // 16-bit addressing: the general path
        }
        if (op >= 0x100) {
            return twoByte(i, next, reg);
        }
        int eip = i.eip;
        boolean o32 = i.op32;
        int vsize = o32 ? 4 : 2; // the size of a "v" operand (SDM Vol. 2D, A.2.2)
        if (op < 0x40 && (op & 7) < 6) {
            int form = op & 7;
            return alu(i, next, op >>> 3, form, (form & 1) == 0 ? 1 : vsize, reg);
        }
        switch (op) {
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F:
                return new AluOps.IncDec(eip, next, vsize, op & 7, op < 0x48);
            case 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57:
                return o32 ? new FlowOps.Push(i, next, FlowOps.Push.REGISTER, op & 7) : null;
            case 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F:
                return o32 ? new FlowOps.Pop(eip, next, op & 7) : null;
            case 0x68, 0x6A:
                return o32 ? new FlowOps.Push(i, next, FlowOps.Push.IMMEDIATE, 0) : null;
            case 0x69, 0x6B:
                return o32 ? new AluOps.Imul32(i, next, true) : null;
            case 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F:
                return o32 ? new FlowOps.Jcc(eip, next, next + i.imm, op & 15) : null;
            case 0x80, 0x82:
                return aluImmediate(i, next, 1, i.imm & 0xff, reg);
            case 0x81, 0x83:
                return aluImmediate(i, next, vsize, i.imm, reg);
            case 0x84, 0x85:
                return aluRmReg(i, next, AluOps.TEST, op == 0x84 ? 1 : vsize, reg);
            case 0x87:
                return o32 && reg ? new MoveOps.Xchg32(eip, next, i.rm, i.reg) : null;
            case 0x88, 0x89: {
                int size = op == 0x88 ? 1 : vsize;
                if (size == 4) {
                    return reg ? new MoveOps.Reg32(eip, next, i.rm, i.reg, 0) : new MoveOps.Store32(i, next, i.reg, 0);
                }
                return reg ? new MoveOps.RRn(eip, next, size, i.rm, i.reg, 0) : new MoveOps.Storen(i, next, size, i.reg, 0);
            }
            case 0x8A, 0x8B: {
                int size = op == 0x8A ? 1 : vsize;
                if (size == 4) {
                    return reg ? new MoveOps.Reg32(eip, next, i.reg, i.rm, 0) : new MoveOps.Load32(i, next, i.reg);
                }
                return reg ? new MoveOps.RRn(eip, next, size, i.reg, i.rm, 0) : new MoveOps.Loadn(i, next, size, i.reg);
            }
            case 0x8D:
                return o32 && !reg ? new MoveOps.Lea(i, next) : null;
            case 0x90:
                return new MoveOps.Unary(eip, next, MoveOps.Unary.NOP, 0);
            case 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97:
                return o32 ? new MoveOps.Xchg32(eip, next, Cpu.EAX, op & 7) : null;
            case 0x98:
                return o32 ? new MoveOps.Unary(eip, next, MoveOps.Unary.CWDE, 0) : null;
            case 0x99:
                return o32 ? new MoveOps.Unary(eip, next, MoveOps.Unary.CDQ, 0) : null;
            case 0xA0, 0xA1: {
                int size = op == 0xA0 ? 1 : vsize;
                if (!i.addr32) {
                    return null;
                }
                return size == 4 ? new MoveOps.Load32(i, next, Cpu.EAX) : new MoveOps.Loadn(i, next, size, Cpu.EAX);
            }
            case 0xA2, 0xA3: {
                int size = op == 0xA2 ? 1 : vsize;
                if (!i.addr32) {
                    return null;
                }
                return size == 4 ? new MoveOps.Store32(i, next, Cpu.EAX, 0) : new MoveOps.Storen(i, next, size, Cpu.EAX, 0);
            }
            case 0xA8:
                return new AluOps.RRn(eip, next, AluOps.TEST, 1, Cpu.EAX, -1, i.imm & 0xff);
            case 0xA9:
                return o32 ? new AluOps.Reg32(eip, next, AluOps.TEST, Cpu.EAX, Cpu.NO_REG, i.imm)
                        : new AluOps.RRn(eip, next, AluOps.TEST, 2, Cpu.EAX, -1, i.imm & 0xffff);
            case 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7:
                return new MoveOps.RRn(eip, next, 1, op & 7, -1, i.imm & 0xff);
            case 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF:
                return o32 ? new MoveOps.Reg32(eip, next, op & 7, Cpu.NO_REG, i.imm) : new MoveOps.RRn(eip, next, 2, op & 7, -1, i.imm & 0xffff);
            case 0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3:
                return new AluOps.Shift(i, next, (op & 1) == 0 ? 1 : vsize, op <= 0xC1 ? i.imm & 0xff : op <= 0xD1 ? 1 : -1);
            case 0xC2, 0xC3:
                return o32 ? new FlowOps.Ret(eip, next, op == 0xC2 ? i.imm & 0xffff : 0) : null;
            case 0xC6, 0xC7: {
                if (i.reg != 0) {
                    return null; // #UD on the general path
                }
                int size = op == 0xC6 ? 1 : vsize;
                int imm = size == 4 ? i.imm : i.imm & (size == 1 ? 0xff : 0xffff);
                if (size == 4) {
                    return reg ? new MoveOps.Reg32(eip, next, i.rm, Cpu.NO_REG, imm) : new MoveOps.Store32(i, next, Cpu.NO_REG, imm);
                }
                return reg ? new MoveOps.RRn(eip, next, size, i.rm, -1, imm) : new MoveOps.Storen(i, next, size, -1, imm);
            }
            case 0xC9:
                return o32 ? new FlowOps.Leave(eip, next) : null;
            case 0xE8:
                return o32 ? new FlowOps.Call(eip, next, next + i.imm) : null;
            case 0xE9, 0xEB:
                return o32 ? new FlowOps.Jmp(eip, next, next + i.imm) : null;
            case 0xF6, 0xF7: {
                int size = op == 0xF6 ? 1 : vsize;
                if (i.reg < 2) { // TEST r/m, imm
                    return aluImmediate(i, next, size, size == 4 ? i.imm : i.imm & (size == 1 ? 0xff : 0xffff), reg, AluOps.TEST);
                }
                return size == 4 && (reg || i.reg >= 4) ? new AluOps.Group3(i, next) : null;
            }
            case 0xFE, 0xFF: {
                int size = op == 0xFE ? 1 : vsize;
                if (i.reg < 2) {
                    return reg ? new AluOps.IncDec(eip, next, size, i.rm, i.reg == 0) : new AluOps.IncDecM(i, next, size, i.reg == 0);
                }
                if (op == 0xFE || !o32) {
                    return null;
                }
                return switch (i.reg) {
                    case 2, 4 -> new FlowOps.Indirect(i, next);
                    case 6 -> reg ? new FlowOps.Push(i, next, FlowOps.Push.REGISTER, i.rm) : new FlowOps.Push(i, next, FlowOps.Push.MEMORY, 0);
                    default -> null;
                };
            }
            default:
                return null;
        }
    }

    /** ALU opcodes 00-3D: form 0/1 r/m, reg; 2/3 reg, r/m; 4/5 AL/eAX, imm. */
    private static Op alu(Instruction i, int next, int kind, int form, int size, boolean reg) {
        int eip = i.eip;
        return switch (form) {
            case 0, 1 -> aluRmReg(i, next, kind, size, reg);
            case 2, 3 -> {
                if (size == 4) {
                    yield reg ? new AluOps.Reg32(eip, next, kind, i.reg, i.rm, 0) : new AluOps.RM32(i, next, kind);
                }
                yield reg ? new AluOps.RRn(eip, next, kind, size, i.reg, i.rm, 0) : new AluOps.RMn(i, next, kind, size);
            }
            default -> size == 4 ? new AluOps.Reg32(eip, next, kind, Cpu.EAX, Cpu.NO_REG, i.imm)
                    : new AluOps.RRn(eip, next, kind, size, Cpu.EAX, -1, i.imm & (size == 1 ? 0xff : 0xffff));
        };
    }

    /** op r/m, reg. */
    private static Op aluRmReg(Instruction i, int next, int kind, int size, boolean reg) {
        if (size == 4) {
            return reg ? new AluOps.Reg32(i.eip, next, kind, i.rm, i.reg, 0) : new AluOps.MR32(i, next, kind, i.reg, 0);
        }
        return reg ? new AluOps.RRn(i.eip, next, kind, size, i.rm, i.reg, 0) : new AluOps.MRn(i, next, kind, size, i.reg, 0);
    }

    /** Group 1 (80-83): op r/m, imm, the ALU kind in ModRM.reg. */
    private static Op aluImmediate(Instruction i, int next, int size, int imm, boolean reg) {
        return aluImmediate(i, next, size, size == 4 ? imm : imm & (size == 1 ? 0xff : 0xffff), reg, i.reg);
    }

    private static Op aluImmediate(Instruction i, int next, int size, int imm, boolean reg, int kind) {
        if (size == 4) {
            return reg ? new AluOps.Reg32(i.eip, next, kind, i.rm, Cpu.NO_REG, imm) : new AluOps.MR32(i, next, kind, Cpu.NO_REG, imm);
        }
        return reg ? new AluOps.RRn(i.eip, next, kind, size, i.rm, -1, imm) : new AluOps.MRn(i, next, kind, size, -1, imm);
    }

    private static Op twoByte(Instruction i, int next, boolean reg) {
        int op = i.opcode & 0xff;
        int eip = i.eip;
        if (!i.op32) {
            return null;
        }
        if (op >= 0x80 && op <= 0x8F) {
            return new FlowOps.Jcc(eip, next, next + i.imm, op & 15);
        }
        if (op >= 0x40 && op <= 0x4F) {
            return new MoveOps.Cmov(i, next);
        }
        if (op >= 0x90 && op <= 0x9F) {
            return new MoveOps.Setcc(i, next);
        }
        if (op >= 0xC8 && op <= 0xCF) {
            return new MoveOps.Unary(eip, next, MoveOps.Unary.BSWAP, op & 7);
        }
        return switch (op) {
            case 0xA3, 0xAB, 0xB3, 0xBB -> reg ? new AluOps.BitTest(i, next, (op >>> 3) & 3, i.reg) : null;
            case 0xBA -> i.reg >= 4 ? new AluOps.BitTest(i, next, i.reg & 3, -1) : null;
            case 0xAF -> new AluOps.Imul32(i, next, false);
            case 0xB6, 0xB7, 0xBE, 0xBF -> new MoveOps.Extend(i, next);
            default -> null;
        };
    }
}
