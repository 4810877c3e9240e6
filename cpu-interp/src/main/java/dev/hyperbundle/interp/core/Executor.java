package dev.hyperbundle.interp.core;

import dev.hyperbundle.interp.decoder.CodeSource;
import dev.hyperbundle.interp.decoder.Instruction;

/**
 * Executes decoded instructions: the one-byte opcode map here, the two-byte map in
 * {@link TwoByteOpcodes}, strings in {@link StringInstructions}, privileged and system instructions in
 * {@link SystemInstructions}. Each instruction performs every access that can fault before it changes
 * registers, so a {@link CpuFault} leaves the instruction restartable from {@link Instruction#eip}.
 *
 * <p>The dispatch methods stay below HotSpot's 8000-byte limit for JIT compilation.
 */
public final class Executor implements CodeSource {
    final Cpu cpu;
    /** cpu.gpr, one load closer for the ops. */
    final int[] gpr;
    final Flags flags;
    final Descriptors descriptors;
    final EventDelivery events;
    final FarTransfers far;
    final SystemInstructions system;
    final StringInstructions strings;
    final TwoByteOpcodes twoByte;
    final CodeCache code;
    final ReturnPredictor returns;
    private final Flags flagsBefore = new Flags();
    /** Offset of the current memory operand (valid when the instruction has one). */
    int ea;
    /** Instructions retired; a REP string instruction counts once per iteration. */
    public long retired;
    /** Set by an op that needs the run loop to stop after it (see {@link GenericOp}). */
    boolean stop;

    public Executor(Cpu cpu, SystemInstructions system) {
        this.cpu = cpu;
        this.gpr = cpu.gpr;
        this.flags = cpu.flags;
        this.descriptors = system.descriptors;
        this.events = system.events;
        this.far = system.far;
        this.system = system;
        this.strings = new StringInstructions(this);
        this.twoByte = new TwoByteOpcodes(this);
        system.attach(this);
        this.code = new CodeCache(this);
        this.returns = new ReturnPredictor(cpu);
    }

    /** The CPU state was replaced from outside (a state load): forget what described the old one. */
    public void stateLoaded() {
        returns.clear();
    }

    /** Releases the code cache (it watches guest pages). */
    public void close() {
        if (Boolean.getBoolean("hyperbundle.interp.statistics")) {
            System.err.printf("hyperbundle interp: %d instructions; %s%n", retired, code.statistics());
        }
        code.close();
        cpu.mmu.close();
    }

    @Override
    public int fetch8(int eip) {
        if (!cpu.code32()) {
            eip &= 0xffff;
        }
        return cpu.mmu.read8(cpu.segBase[Cpu.CS] + eip, cpu.user);
    }

    /**
     * Runs up to budget instructions from CS:EIP, op to op. Returns with cpu.eip at the next instruction when
     * the budget is used or an instruction asked to stop ({@link #stop}: IN/OUT, HLT, an IF or
     * interrupt-shadow change, where pending events must be looked at). A fault propagates with cpu.eip at
     * the faulting instruction (or at the instruction whose fetch faulted) and the registers and flags as
     * before it; the instructions completed before it are counted in {@link #retired}.
     */
    public void run(int budget) {
        stop = false;
        Op op = code.lookup(cpu.eip);
        Op current = null;
        int n = 0;
        try {
            while (true) {
                current = op;
                Op next = op.run(this);
                n++;
                if (next == null) {
                    if (stop || n >= budget) {
                        return;
                    }
                    current = null; // a fetch fault below restarts at the target, which cpu.eip holds
                    next = code.lookupFrom(op, cpu.eip);
                    returns.learn(next);
                } else if (n >= budget) {
                    cpu.eip = next.eip;
                    return;
                }
                op = next;
            }
        } catch (CpuFault f) {
            if (current != null) {
                cpu.eip = current.eip; // faults restart the instruction (SDM Vol. 3A, 6.5)
            }
            throw f;
        } finally {
            retired += n;
        }
    }

    /** Runs exactly one instruction (the one after STI or MOV SS, in the interrupt shadow). */
    public void step() {
        run(1);
    }

    /**
     * Runs an instruction on the general path; a fault restores the flags when the instruction may have
     * changed them before faulting (cpu.eip is reset by the caller).
     */
    void executeGeneric(Instruction i, boolean snapshot) {
        if (snapshot) {
            flagsBefore.copyFrom(flags);
        }
        try {
            execute(i);
        } catch (CpuFault f) {
            if (snapshot) {
                flags.copyFrom(flagsBefore);
            }
            throw f;
        }
    }

    /** Executes an already decoded instruction (also the binary translator's fallback). Sets cpu.eip first. */
    public void execute(Instruction i) {
        if (i.lock && !lockable(i)) {
            throw CpuFault.ud();
        }
        if (i.hasModrm && i.mod != 3) {
            ea = effectiveAddress(i);
        } else if (i.opcode >= 0xA0 && i.opcode <= 0xA3) {
            ea = i.addr32 ? i.disp : i.disp & 0xffff;
        }
        int next = i.nextEip();
        cpu.eip = cpu.code32() ? next : next & 0xffff;
        if (i.opcode >= 0x100) {
            twoByte.execute(i);
        } else {
            oneByte(i);
        }
    }

    /**
     * LOCK is allowed only on a memory destination of ADD, ADC, AND, BTC, BTR, BTS, CMPXCHG, CMPXCHG8B,
     * DEC, INC, NEG, NOT, OR, SBB, SUB, XOR, XADD and XCHG; anything else raises #UD (SDM Vol. 2A, LOCK).
     */
    static boolean lockable(Instruction i) {
        if (!i.hasModrm || i.mod == 3) {
            return false;
        }
        int op = i.opcode;
        if (op < 0x40) {
            return (op & 7) <= 1 && (op >>> 3) != 7; // r/m, reg forms of the ALU ops, not CMP
        }
        return switch (op) {
            case 0x80, 0x81, 0x82, 0x83 -> i.reg != 7; // not CMP
            case 0x86, 0x87, 0x1B0, 0x1B1, 0x1C0, 0x1C1, 0x1AB, 0x1B3, 0x1BB -> true;
            case 0xF6, 0xF7 -> i.reg == 2 || i.reg == 3; // NOT, NEG
            case 0xFE, 0xFF -> i.reg <= 1; // INC, DEC
            case 0x1BA -> i.reg >= 5; // BTS, BTR, BTC with an immediate
            case 0x1C7 -> i.reg == 1; // CMPXCHG8B
            default -> false;
        };
    }

    int effectiveAddress(Instruction i) {
        int a = i.disp;
        if (i.base >= 0) {
            a += i.addr32 ? cpu.gpr[i.base] : cpu.gpr[i.base] & 0xffff;
        }
        if (i.index >= 0) {
            a += (i.addr32 ? cpu.gpr[i.index] : cpu.gpr[i.index] & 0xffff) << i.scale;
        }
        return i.addr32 ? a : a & 0xffff;
    }

    // ---- operand helpers -------------------------------------------------------------------------

    int readRm(Instruction i, int size) {
        return i.mod == 3 ? cpu.reg(size, i.rm) : cpu.read(size, i.segment(), ea);
    }

    void writeRm(Instruction i, int size, int v) {
        if (i.mod == 3) {
            cpu.setReg(size, i.rm, v);
        } else {
            cpu.write(size, i.segment(), ea, v);
        }
    }

    int osize(Instruction i) {
        return i.op32 ? 4 : 2;
    }

    void jumpTo(Instruction i, int target) {
        cpu.eip = i.op32 ? target : target & 0xffff;
    }

    void relativeJump(Instruction i) {
        jumpTo(i, cpu.eip + i.imm);
    }

    private void oneByte(Instruction i) {
        int op = i.opcode;
        if (op < 0x40 && (op & 7) < 6) {
            aluOp(i, op >>> 3, op & 7);
            return;
        }
        switch (op) {
            case 0x06, 0x0E, 0x16, 0x1E -> cpu.push(osize(i), cpu.segSel[op >>> 3]);
            case 0x07, 0x17, 0x1F -> popSegment(i, op >>> 3);
            case 0x27 -> Bcd.daa(cpu);
            case 0x2F -> Bcd.das(cpu);
            case 0x37 -> Bcd.aaa(cpu);
            case 0x3F -> Bcd.aas(cpu);
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47 -> incDecReg(i, op & 7, true);
            case 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F -> incDecReg(i, op & 7, false);
            case 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57 -> cpu.push(osize(i), cpu.gpr[op & 7]);
            case 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F -> popReg(i, op & 7);
            case 0x60 -> pusha(i);
            case 0x61 -> popa(i);
            case 0x62 -> bound(i);
            case 0x63 -> system.arpl(i);
            case 0x68, 0x6A -> cpu.push(osize(i), i.imm);
            case 0x69, 0x6B -> imul3(i);
            case 0x6C, 0x6D, 0x6E, 0x6F, 0xA4, 0xA5, 0xA6, 0xA7, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF -> strings.execute(i);
            case 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F -> {
                if (flags.condition(op & 15)) {
                    relativeJump(i);
                }
            }
            case 0x80, 0x81, 0x82, 0x83 -> group1(i);
            case 0x84, 0x85 -> {
                int size = (op & 1) == 0 ? 1 : osize(i);
                Alu.binary(flags, Alu.AND, size, readRm(i, size), cpu.reg(size, i.reg));
            }
            case 0x86, 0x87 -> xchg(i, (op & 1) == 0 ? 1 : osize(i));
            case 0x88, 0x89 -> {
                int size = (op & 1) == 0 ? 1 : osize(i);
                writeRm(i, size, cpu.reg(size, i.reg));
            }
            case 0x8A, 0x8B -> {
                int size = (op & 1) == 0 ? 1 : osize(i);
                cpu.setReg(size, i.reg, readRm(i, size));
            }
            case 0x8C -> movFromSegment(i);
            case 0x8D -> {
                if (i.mod == 3) {
                    throw CpuFault.ud();
                }
                cpu.setReg(osize(i), i.reg, ea);
            }
            case 0x8E -> movToSegment(i);
            case 0x8F -> popRm(i);
            case 0x90 -> { }
            case 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97 -> {
                int size = osize(i);
                int a = cpu.reg(size, 0);
                cpu.setReg(size, 0, cpu.reg(size, op & 7));
                cpu.setReg(size, op & 7, a);
            }
            case 0x98 -> {
                if (i.op32) {
                    cpu.gpr[0] = (short) cpu.gpr[0];
                } else {
                    cpu.setReg(2, 0, (byte) cpu.gpr[0]);
                }
            }
            case 0x99 -> {
                if (i.op32) {
                    cpu.gpr[2] = cpu.gpr[0] >> 31;
                } else {
                    cpu.setReg(2, 2, ((short) cpu.gpr[0]) >> 15);
                }
            }
            case 0x9A -> far.call(i.imm2, i.imm, i.op32, cpu.eip);
            case 0x9B -> system.fwait(i);
            case 0x9C -> system.pushf(i);
            case 0x9D -> system.popf(i);
            case 0x9E -> {
                int mask = Flags.SF | Flags.ZF | Flags.AF | Flags.PF | Flags.CF;
                flags.materialize();
                flags.bits = (flags.bits & ~mask) | ((cpu.gpr[0] >>> 8) & mask);
            }
            case 0x9F -> cpu.setReg8(4, (flags.get() & 0xd5) | Flags.FIXED);
            case 0xA0, 0xA1 -> {
                int size = (op & 1) == 0 ? 1 : osize(i);
                cpu.setReg(size, 0, cpu.read(size, i.segment(), ea));
            }
            case 0xA2, 0xA3 -> {
                int size = (op & 1) == 0 ? 1 : osize(i);
                cpu.write(size, i.segment(), ea, cpu.reg(size, 0));
            }
            case 0xA8, 0xA9 -> {
                int size = (op & 1) == 0 ? 1 : osize(i);
                Alu.binary(flags, Alu.AND, size, cpu.reg(size, 0), i.imm);
            }
            case 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7 -> cpu.setReg8(op & 7, i.imm);
            case 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF -> cpu.setReg(osize(i), op & 7, i.imm);
            case 0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3 -> group2(i);
            case 0xC2, 0xC3 -> {
                int target = cpu.peek(osize(i), 0);
                cpu.setSp(cpu.sp() + osize(i) + (op == 0xC2 ? i.imm : 0));
                jumpTo(i, target);
            }
            case 0xC4 -> loadFarPointer(i, Cpu.ES);
            case 0xC5 -> loadFarPointer(i, Cpu.DS);
            case 0xC6, 0xC7 -> writeRm(i, (op & 1) == 0 ? 1 : osize(i), i.imm);
            case 0xC8 -> enter(i);
            case 0xC9 -> leave(i);
            case 0xCA, 0xCB -> far.returnFar(i.op32, op == 0xCA ? i.imm : 0);
            case 0xCC -> system.softwareInterrupt(3);
            case 0xCD -> system.interruptN(i.imm & 0xff);
            case 0xCE -> {
                if (flags.of()) {
                    system.softwareInterrupt(4);
                }
            }
            case 0xCF -> system.iret(i);
            case 0xD4 -> Bcd.aam(cpu, i.imm & 0xff);
            case 0xD5 -> Bcd.aad(cpu, i.imm & 0xff);
            case 0xD6 -> cpu.setReg8(0, flags.cf() ? 0xff : 0); // SALC, undocumented but present on P6
            case 0xD7 -> {
                int off = (i.addr32 ? cpu.gpr[3] : cpu.gpr[3] & 0xffff) + cpu.reg8(0);
                cpu.setReg8(0, cpu.read8(i.segment(), i.addr32 ? off : off & 0xffff));
            }
            case 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF -> system.x87(i, ea);
            case 0xE0, 0xE1, 0xE2 -> loop(i, op);
            case 0xE3 -> {
                if ((i.addr32 ? cpu.gpr[1] : cpu.gpr[1] & 0xffff) == 0) {
                    relativeJump(i);
                }
            }
            case 0xE4, 0xE5 -> system.in(i, i.imm & 0xff, (op & 1) == 0 ? 1 : osize(i));
            case 0xE6, 0xE7 -> system.out(i, i.imm & 0xff, (op & 1) == 0 ? 1 : osize(i));
            case 0xEC, 0xED -> system.in(i, cpu.gpr[2] & 0xffff, (op & 1) == 0 ? 1 : osize(i));
            case 0xEE, 0xEF -> system.out(i, cpu.gpr[2] & 0xffff, (op & 1) == 0 ? 1 : osize(i));
            case 0xE8 -> {
                cpu.push(osize(i), cpu.eip);
                relativeJump(i);
            }
            case 0xE9, 0xEB -> relativeJump(i);
            case 0xEA -> far.jump(i.imm2, i.imm, i.op32, cpu.eip);
            case 0xF1 -> system.softwareException(CpuFault.DB); // INT1/ICEBP
            case 0xF4 -> system.hlt();
            case 0xF5 -> flags.setCarry(!flags.cf());
            case 0xF6, 0xF7 -> group3(i);
            case 0xF8 -> flags.setCarry(false);
            case 0xF9 -> flags.setCarry(true);
            case 0xFA -> system.cli();
            case 0xFB -> system.sti();
            case 0xFC -> flags.bits &= ~Flags.DF;
            case 0xFD -> flags.bits |= Flags.DF;
            case 0xFE -> group4(i);
            case 0xFF -> group5(i);
            default -> throw CpuFault.ud();
        }
    }

    private void aluOp(Instruction i, int alu, int form) {
        int size = (form & 1) == 0 ? 1 : osize(i);
        switch (form) {
            case 0, 1 -> {
                int r = Alu.binary(flags, alu, size, readRm(i, size), cpu.reg(size, i.reg));
                if (alu != Alu.CMP) {
                    writeRmKeepFlags(i, size, r);
                }
            }
            case 2, 3 -> {
                int r = Alu.binary(flags, alu, size, cpu.reg(size, i.reg), readRm(i, size));
                if (alu != Alu.CMP) {
                    cpu.setReg(size, i.reg, r);
                }
            }
            default -> {
                int r = Alu.binary(flags, alu, size, cpu.reg(size, 0), i.imm);
                if (alu != Alu.CMP) {
                    cpu.setReg(size, 0, r);
                }
            }
        }
    }

    /** Writes a read-modify-write result after the flags were computed. */
    void writeRmKeepFlags(Instruction i, int size, int v) {
        writeRm(i, size, v); // a faulting write: step() restores the flags from flagsBefore
    }

    private void group1(Instruction i) {
        int size = i.opcode == 0x80 || i.opcode == 0x82 ? 1 : osize(i);
        int r = Alu.binary(flags, i.reg, size, readRm(i, size), i.imm);
        if (i.reg != Alu.CMP) {
            writeRmKeepFlags(i, size, r);
        }
    }

    private void group2(Instruction i) {
        int op = i.opcode;
        int size = (op & 1) == 0 ? 1 : osize(i);
        int count = op <= 0xC1 ? i.imm : op <= 0xD1 ? 1 : cpu.gpr[1];
        int v = readRm(i, size);
        if ((count & 0x1f) == 0) {
            return;
        }
        writeRmKeepFlags(i, size, Alu.shift(flags, i.reg, size, v, count));
    }

    private void group3(Instruction i) {
        int size = (i.opcode & 1) == 0 ? 1 : osize(i);
        switch (i.reg) {
            case 0, 1 -> Alu.binary(flags, Alu.AND, size, readRm(i, size), i.imm);
            case 2 -> writeRm(i, size, ~readRm(i, size));
            case 3 -> {
                int v = readRm(i, size);
                int r = -v;
                writeRmKeepFlags(i, size, r);
                flags.set(Flags.SUB, size, 0, v, r);
            }
            case 4 -> MulDiv.mul(cpu, size, readRm(i, size));
            case 5 -> MulDiv.imul1(cpu, size, readRm(i, size));
            case 6 -> MulDiv.div(cpu, size, readRm(i, size));
            default -> MulDiv.idiv(cpu, size, readRm(i, size));
        }
    }

    private void group4(Instruction i) {
        if (i.reg > 1) {
            throw CpuFault.ud();
        }
        incDecRm(i, 1);
    }

    private void group5(Instruction i) {
        int size = osize(i);
        switch (i.reg) {
            case 0, 1 -> incDecRm(i, size);
            case 2 -> {
                int target = readRm(i, size);
                cpu.push(size, cpu.eip);
                jumpTo(i, target);
            }
            case 3, 5 -> {
                if (i.mod == 3) {
                    throw CpuFault.ud();
                }
                int offset = cpu.read(size, i.segment(), ea);
                int selector = cpu.read16(i.segment(), ea + size);
                if (i.reg == 3) {
                    far.call(selector, offset, i.op32, cpu.eip);
                } else {
                    far.jump(selector, offset, i.op32, cpu.eip);
                }
            }
            case 4 -> jumpTo(i, readRm(i, size));
            case 6 -> cpu.push(size, readRm(i, size));
            default -> throw CpuFault.ud();
        }
    }

    private void incDecRm(Instruction i, int size) {
        int v = readRm(i, size);
        boolean inc = i.reg == 0;
        int r = inc ? v + 1 : v - 1;
        writeRm(i, size, r);
        flags.setIncDec(inc ? Flags.INC : Flags.DEC, size, v, r);
    }

    private void incDecReg(Instruction i, int reg, boolean inc) {
        int size = osize(i);
        int v = cpu.reg(size, reg);
        int r = inc ? v + 1 : v - 1;
        cpu.setReg(size, reg, r);
        flags.setIncDec(inc ? Flags.INC : Flags.DEC, size, v, r);
    }

    private void popReg(Instruction i, int reg) {
        int size = osize(i);
        int v = cpu.pop(size);
        cpu.setReg(size, reg, v);
    }

    private void popRm(Instruction i) {
        int size = osize(i);
        int v = cpu.peek(size, 0);
        int oldEsp = cpu.gpr[Cpu.ESP];
        cpu.setSp(cpu.sp() + size); // POP computes the address with ESP already incremented (SDM Vol. 2B, POP)
        if (i.mod != 3) {
            ea = effectiveAddress(i);
        }
        try {
            writeRm(i, size, v);
        } catch (CpuFault f) {
            cpu.gpr[Cpu.ESP] = oldEsp;
            throw f;
        }
    }

    private void popSegment(Instruction i, int s) {
        int v = cpu.peek(osize(i), 0);
        descriptors.loadDataSegment(s, v);
        cpu.setSp(cpu.sp() + osize(i));
        if (s == Cpu.SS) {
            cpu.interruptShadow |= 2;
        }
    }

    private void movFromSegment(Instruction i) {
        if (i.reg > 5) {
            throw CpuFault.ud();
        }
        int v = cpu.segSel[i.reg];
        if (i.mod == 3) {
            cpu.setReg(osize(i), i.rm, v); // register destination: zero-extended on P6
        } else {
            cpu.write16(i.segment(), ea, v);
        }
    }

    private void movToSegment(Instruction i) {
        if (i.reg > 5 || i.reg == Cpu.CS) {
            throw CpuFault.ud();
        }
        descriptors.loadDataSegment(i.reg, readRm(i, 2));
        if (i.reg == Cpu.SS) {
            cpu.interruptShadow |= 2; // MOV SS inhibits interrupts for one instruction (SDM Vol. 3A, 6.8.3)
        }
    }

    private void xchg(Instruction i, int size) {
        int a = readRm(i, size);
        writeRm(i, size, cpu.reg(size, i.reg));
        cpu.setReg(size, i.reg, a);
    }

    private void pusha(Instruction i) {
        int size = osize(i);
        int sp = cpu.sp();
        int low = cpu.stack32() ? sp - 8 * size : (sp - 8 * size) & 0xffff;
        cpu.checkWritable(Cpu.SS, low, 8 * size);
        int esp = cpu.gpr[Cpu.ESP];
        for (int r = 0; r < 8; r++) {
            cpu.push(size, r == Cpu.ESP ? esp : cpu.gpr[r]);
        }
    }

    private void popa(Instruction i) {
        int size = osize(i);
        int[] values = new int[8];
        for (int r = 7; r >= 0; r--) {
            values[r] = cpu.peek(size, (7 - r) * size);
        }
        for (int r = 0; r < 8; r++) {
            if (r != Cpu.ESP) {
                cpu.setReg(size, r, values[r]);
            }
        }
        cpu.setSp(cpu.sp() + 8 * size);
    }

    private void bound(Instruction i) {
        if (i.mod == 3) {
            throw CpuFault.ud();
        }
        int size = osize(i);
        int index = Alu.signExtend(size, cpu.reg(size, i.reg));
        int lower = Alu.signExtend(size, cpu.read(size, i.segment(), ea));
        int upper = Alu.signExtend(size, cpu.read(size, i.segment(), ea + size));
        if (index < lower || index > upper) {
            throw new CpuFault(CpuFault.BR);
        }
    }

    private void imul3(Instruction i) {
        int size = osize(i);
        cpu.setReg(size, i.reg, MulDiv.imul2(cpu, size, readRm(i, size), i.imm));
    }

    private void loadFarPointer(Instruction i, int s) {
        if (i.mod == 3) {
            throw CpuFault.ud();
        }
        int size = osize(i);
        int offset = cpu.read(size, i.segment(), ea);
        int selector = cpu.read16(i.segment(), ea + size);
        descriptors.loadDataSegment(s, selector);
        cpu.setReg(size, i.reg, offset);
    }

    private void enter(Instruction i) {
        int size = osize(i);
        int level = i.imm2 & 0x1f;
        int frameSize = i.imm & 0xffff;
        int oldEsp = cpu.gpr[Cpu.ESP];
        int oldEbp = cpu.gpr[Cpu.EBP];
        try {
            cpu.push(size, cpu.gpr[Cpu.EBP]);
            int frame = cpu.sp();
            int bp = cpu.stack32() ? oldEbp : oldEbp & 0xffff;
            for (int k = 1; k < level; k++) {
                bp -= size;
                cpu.push(size, cpu.read(size, Cpu.SS, cpu.stack32() ? bp : bp & 0xffff));
            }
            if (level > 0) {
                cpu.push(size, frame);
            }
            int newSp = cpu.sp() - frameSize;
            cpu.read8(Cpu.SS, cpu.stack32() ? newSp : newSp & 0xffff); // the new stack top must be accessible
            cpu.setReg(size, Cpu.EBP, frame);
            cpu.setSp(newSp);
        } catch (CpuFault f) {
            cpu.gpr[Cpu.ESP] = oldEsp;
            cpu.gpr[Cpu.EBP] = oldEbp;
            throw f;
        }
    }

    private void leave(Instruction i) {
        int size = osize(i);
        int bp = cpu.stack32() ? cpu.gpr[Cpu.EBP] : cpu.gpr[Cpu.EBP] & 0xffff;
        int v = cpu.read(size, Cpu.SS, bp);
        cpu.setSp(bp + size);
        cpu.setReg(size, Cpu.EBP, v);
    }

    private void loop(Instruction i, int op) {
        int count = (i.addr32 ? cpu.gpr[1] : cpu.gpr[1] & 0xffff) - 1;
        if (i.addr32) {
            cpu.gpr[1] = count;
        } else {
            cpu.setReg(2, 1, count);
            count &= 0xffff;
        }
        boolean take = count != 0 && (op == 0xE2 || (op == 0xE1) == flags.zf());
        if (take) {
            relativeJump(i);
        }
    }
}
