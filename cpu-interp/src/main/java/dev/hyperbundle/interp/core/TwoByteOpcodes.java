package dev.hyperbundle.interp.core;

import dev.hyperbundle.interp.decoder.Instruction;

/** The 0F xx opcode map (SDM Vol. 2D, table A-3) of the i686 integer instruction set. */
final class TwoByteOpcodes {
    private final Executor x;
    private final Cpu cpu;
    private final Flags flags;
    private final SystemInstructions system;

    TwoByteOpcodes(Executor x) {
        this.x = x;
        this.cpu = x.cpu;
        this.flags = x.flags;
        this.system = x.system;
    }

    void execute(Instruction i) {
        int op = i.opcode & 0xff;
        switch (op) {
            case 0x00 -> system.group6(i, x);
            case 0x01 -> system.group7(i, x);
            case 0x02, 0x03 -> system.larLsl(i, x, op == 0x03);
            case 0x06 -> system.clts();
            case 0x08, 0x09 -> system.requireCpl0(); // INVD/WBINVD: no caches to write back
            case 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F -> { } // hint NOP / multi-byte NOP
            case 0x20 -> system.movFromCr(i);
            case 0x21 -> system.movFromDr(i);
            case 0x22 -> system.movToCr(i);
            case 0x23 -> system.movToDr(i);
            case 0x30 -> system.wrmsr();
            case 0x31 -> system.rdtsc();
            case 0x32 -> system.rdmsr();
            case 0x33 -> system.rdpmc();
            case 0x34 -> system.sysenter();
            case 0x35 -> system.sysexit();
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F -> {
                int size = x.osize(i);
                int v = x.readRm(i, size); // CMOVcc reads its source even when the condition is false
                if (flags.condition(op & 15)) {
                    cpu.setReg(size, i.reg, v);
                }
            }
            case 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F -> {
                if (flags.condition(op & 15)) {
                    x.relativeJump(i);
                }
            }
            case 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F ->
                    x.writeRm(i, 1, flags.condition(op & 15) ? 1 : 0);
            case 0xA0, 0xA8 -> cpu.push(x.osize(i), cpu.segSel[op == 0xA0 ? Cpu.FS : Cpu.GS]);
            case 0xA1, 0xA9 -> {
                int v = cpu.peek(x.osize(i), 0);
                x.descriptors.loadDataSegment(op == 0xA1 ? Cpu.FS : Cpu.GS, v);
                cpu.setSp(cpu.sp() + x.osize(i));
            }
            case 0xA2 -> system.cpuid();
            case 0xA3, 0xAB, 0xB3, 0xBB -> bitOp(i, (op >>> 3) & 3, cpu.gpr[i.reg], true);
            case 0xBA -> {
                if (i.reg < 4) {
                    throw CpuFault.ud();
                }
                bitOp(i, i.reg & 3, i.imm & 0xff, false);
            }
            case 0xA4, 0xA5, 0xAC, 0xAD -> {
                int size = x.osize(i);
                int count = (op & 1) == 0 ? i.imm : cpu.gpr[1];
                int v = x.readRm(i, size);
                if ((count & 0x1f) != 0) {
                    x.writeRm(i, size, Alu.doubleShift(flags, op < 0xA8, size, v, cpu.reg(size, i.reg), count));
                }
            }
            case 0xAE -> system.fxsaveOrRestore(i, x.ea);
            case 0xAF -> {
                int size = x.osize(i);
                cpu.setReg(size, i.reg, MulDiv.imul2(cpu, size, cpu.reg(size, i.reg), x.readRm(i, size)));
            }
            case 0xB0, 0xB1 -> cmpxchg(i, op == 0xB0 ? 1 : x.osize(i));
            case 0xB2 -> loadFar(i, Cpu.SS);
            case 0xB4 -> loadFar(i, Cpu.FS);
            case 0xB5 -> loadFar(i, Cpu.GS);
            case 0xB6, 0xB7 -> cpu.setReg(x.osize(i), i.reg, x.readRm(i, op == 0xB6 ? 1 : 2));
            case 0xBE, 0xBF -> cpu.setReg(x.osize(i), i.reg, Alu.signExtend(op == 0xBE ? 1 : 2, x.readRm(i, op == 0xBE ? 1 : 2)));
            case 0xBC, 0xBD -> bitScan(i, op == 0xBD);
            case 0xC0, 0xC1 -> {
                int size = op == 0xC0 ? 1 : x.osize(i);
                int d = x.readRm(i, size);
                int s = cpu.reg(size, i.reg);
                int r = Alu.binary(flags, Alu.ADD, size, d, s);
                x.writeRm(i, size, r);
                cpu.setReg(size, i.reg, d);
            }
            case 0xC7 -> cmpxchg8b(i);
            case 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF -> cpu.gpr[op & 7] = Integer.reverseBytes(cpu.gpr[op & 7]);
            default -> throw CpuFault.ud(); // includes UD2 (0F 0B), UD1 (0F B9), UD0 (0F FF), MMX/SSE
        }
    }

    /** BT/BTS/BTR/BTC. With a register bit offset and a memory operand the offset addresses beyond the operand (SDM Vol. 2A, BT). */
    private void bitOp(Instruction i, int kind, int offset, boolean registerOffset) {
        int size = x.osize(i);
        int bits = size * 8;
        int v;
        int bit;
        int off = x.ea;
        if (i.mod == 3) {
            bit = offset & (bits - 1);
            v = cpu.reg(size, i.rm);
        } else {
            if (registerOffset) {
                int signed = Alu.signExtend(size, offset);
                off += (signed >> (size == 4 ? 5 : 4)) * size;
                if (!i.addr32) {
                    off &= 0xffff;
                }
            }
            bit = offset & (bits - 1);
            v = cpu.read(size, i.segment(), off);
        }
        boolean old = ((v >>> bit) & 1) != 0;
        int r = switch (kind) {
            case 1 -> v | (1 << bit);
            case 2 -> v & ~(1 << bit);
            case 3 -> v ^ (1 << bit);
            default -> v;
        };
        if (kind != 0) {
            if (i.mod == 3) {
                cpu.setReg(size, i.rm, r);
            } else {
                cpu.write(size, i.segment(), off, r);
            }
        }
        flags.setCarry(old);
    }

    /** BSF/BSR: source 0 sets ZF and leaves the destination unchanged (P6 behaviour; SDM says undefined). */
    private void bitScan(Instruction i, boolean reverse) {
        int size = x.osize(i);
        int v = x.readRm(i, size);
        flags.materialize();
        if (v == 0) {
            flags.bits |= Flags.ZF;
            return;
        }
        flags.bits &= ~Flags.ZF;
        cpu.setReg(size, i.reg, reverse ? 31 - Integer.numberOfLeadingZeros(v) : Integer.numberOfTrailingZeros(v));
    }

    /** CMPXCHG: the destination is always written (with its old value on failure), as the SDM describes. */
    private void cmpxchg(Instruction i, int size) {
        int d = x.readRm(i, size);
        int a = cpu.reg(size, 0);
        if (i.mod != 3) {
            cpu.checkWritable(i.segment(), x.ea, size);
        }
        Alu.binary(flags, Alu.CMP, size, a, d);
        if (a == d) {
            x.writeRm(i, size, cpu.reg(size, i.reg));
        } else {
            x.writeRm(i, size, d);
            cpu.setReg(size, 0, d);
        }
    }

    private void cmpxchg8b(Instruction i) {
        if (i.reg != 1 || i.mod == 3) {
            throw CpuFault.ud();
        }
        int s = i.segment();
        int lo = cpu.read32(s, x.ea);
        int hi = cpu.read32(s, x.ea + 4);
        cpu.checkWritable(s, x.ea, 8);
        flags.materialize();
        if (lo == cpu.gpr[0] && hi == cpu.gpr[2]) {
            cpu.write32(s, x.ea, cpu.gpr[3]);
            cpu.write32(s, x.ea + 4, cpu.gpr[1]);
            flags.bits |= Flags.ZF;
        } else {
            cpu.write32(s, x.ea, lo);
            cpu.write32(s, x.ea + 4, hi);
            cpu.gpr[0] = lo;
            cpu.gpr[2] = hi;
            flags.bits &= ~Flags.ZF;
        }
    }

    private void loadFar(Instruction i, int s) {
        if (i.mod == 3) {
            throw CpuFault.ud();
        }
        int size = x.osize(i);
        int offset = cpu.read(size, i.segment(), x.ea);
        int selector = cpu.read16(i.segment(), x.ea + size);
        x.descriptors.loadDataSegment(s, selector);
        cpu.setReg(size, i.reg, offset);
    }
}
