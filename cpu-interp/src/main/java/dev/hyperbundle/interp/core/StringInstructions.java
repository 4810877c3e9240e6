package dev.hyperbundle.interp.core;

import dev.hyperbundle.interp.decoder.Instruction;

/**
 * MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS with REP/REPE/REPNE (SDM Vol. 2B, REP/REPE/REPZ/REPNE/REPNZ).
 * A repeated instruction runs at most {@link #BURST} iterations per step and then restarts itself, so
 * interrupts and kicks are seen between iterations, as on hardware. Every iteration commits ESI, EDI and
 * ECX only after its memory accesses succeeded, so a fault resumes at the faulting iteration.
 */
final class StringInstructions {
    static final int BURST = 1024;

    private final Executor x;
    private final Cpu cpu;
    private final BulkStrings bulk;

    StringInstructions(Executor x) {
        this.x = x;
        this.cpu = x.cpu;
        this.bulk = new BulkStrings(x);
    }

    void execute(Instruction i) {
        int op = i.opcode;
        int size = (op & 1) == 0 ? 1 : (i.op32 ? 4 : 2);
        int kind = switch (op) {
            case 0x6C, 0x6D -> 0;
            case 0x6E, 0x6F -> 1;
            case 0xA4, 0xA5 -> 2;
            case 0xA6, 0xA7 -> 3;
            case 0xAA, 0xAB -> 4;
            case 0xAC, 0xAD -> 5;
            default -> 6;
        };
        if (kind <= 1) {
            x.system.checkIo(cpu.gpr[2] & 0xffff, size);
        }
        int srcSeg = i.segOverride >= 0 ? i.segOverride : Cpu.DS;
        int step = cpu.flags.isSet(Flags.DF) ? -size : size;
        boolean a32 = i.addr32;
        if (i.rep == Instruction.REP_NONE) {
            iteration(kind, size, srcSeg, step, a32);
            return;
        }
        if (a32 && (kind == 2 || kind == 4)) {
            int n = bulk.run(kind == 2, size, srcSeg);
            if (n > 0) {
                x.retired += n - 1; // the op itself counts one
                if (cpu.gpr[1] != 0) {
                    cpu.eip = i.eip; // not finished: go on in the next step
                }
                return;
            }
        }
        boolean compares = kind == 3 || kind == 6;
        for (int n = 0; n < BURST; n++) {
            int count = a32 ? cpu.gpr[1] : cpu.gpr[1] & 0xffff;
            if (count == 0) {
                return;
            }
            iteration(kind, size, srcSeg, step, a32);
            if (a32) {
                cpu.gpr[1] = count - 1;
            } else {
                cpu.setReg(2, 1, count - 1);
            }
            if (n > 0) {
                x.retired++;
            }
            if (compares && cpu.flags.zf() != (i.rep == Instruction.REPE)) {
                return;
            }
        }
        if ((a32 ? cpu.gpr[1] : cpu.gpr[1] & 0xffff) != 0) {
            cpu.eip = i.eip; // not finished: run the rest in the next step
        }
    }

    private void iteration(int kind, int size, int srcSeg, int step, boolean a32) {
        int si = a32 ? cpu.gpr[Cpu.ESI] : cpu.gpr[Cpu.ESI] & 0xffff;
        int di = a32 ? cpu.gpr[Cpu.EDI] : cpu.gpr[Cpu.EDI] & 0xffff;
        switch (kind) {
            case 0 -> { // INS: the destination must be writable before the port is read
                cpu.checkWritable(Cpu.ES, di, size);
                int v = x.system.portIn(cpu.gpr[2] & 0xffff, size);
                cpu.write(size, Cpu.ES, di, v);
                advance(Cpu.EDI, di, step, a32);
            }
            case 1 -> {
                int v = cpu.read(size, srcSeg, si);
                x.system.portOut(cpu.gpr[2] & 0xffff, size, v);
                advance(Cpu.ESI, si, step, a32);
            }
            case 2 -> {
                int v = cpu.read(size, srcSeg, si);
                cpu.write(size, Cpu.ES, di, v);
                advance(Cpu.ESI, si, step, a32);
                advance(Cpu.EDI, di, step, a32);
            }
            case 3 -> {
                int a = cpu.read(size, srcSeg, si);
                int b = cpu.read(size, Cpu.ES, di);
                Alu.binary(cpu.flags, Alu.CMP, size, a, b);
                advance(Cpu.ESI, si, step, a32);
                advance(Cpu.EDI, di, step, a32);
            }
            case 4 -> {
                cpu.write(size, Cpu.ES, di, cpu.gpr[0]);
                advance(Cpu.EDI, di, step, a32);
            }
            case 5 -> {
                cpu.setReg(size, 0, cpu.read(size, srcSeg, si));
                advance(Cpu.ESI, si, step, a32);
            }
            default -> {
                int b = cpu.read(size, Cpu.ES, di);
                Alu.binary(cpu.flags, Alu.CMP, size, cpu.gpr[0], b);
                advance(Cpu.EDI, di, step, a32);
            }
        }
    }

    private void advance(int reg, int value, int step, boolean a32) {
        if (a32) {
            cpu.gpr[reg] = value + step;
        } else {
            cpu.setReg(2, reg, value + step);
        }
    }
}
