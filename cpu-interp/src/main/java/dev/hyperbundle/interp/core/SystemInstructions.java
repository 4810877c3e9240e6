package dev.hyperbundle.interp.core;

import dev.hyperbundle.bus.IoBus;
import dev.hyperbundle.cpu.CpuidTable;
import dev.hyperbundle.cpu.MsrBus;
import dev.hyperbundle.cpu.MsrDevice;
import dev.hyperbundle.cpu.Segment;
import dev.hyperbundle.interp.decoder.Instruction;
import dev.hyperbundle.irq.CpuInterrupts;
import dev.hyperbundle.time.VirtualClock;

/**
 * Instructions that touch the machine rather than registers: I/O with IOPL and TSS-bitmap checks,
 * flags that need privilege (CLI/STI/POPF), HLT, software interrupts, control and debug registers,
 * descriptor tables, MSRs, TSC, CPUID, SYSENTER/SYSEXIT and the x87 escape checks.
 */
public final class SystemInstructions {
    /** IA32_BIOS_SIGN_ID: the microcode revision; P6 has it, Linux writes 0 and reads it back (SDM Vol. 3A, 10.11.7.1). */
    static final int MSR_BIOS_SIGN_ID = 0x8b;
    static final int MSR_TSC = 0x10, MSR_SYSENTER_CS = 0x174, MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176;

    final Cpu cpu;
    final Descriptors descriptors;
    final EventDelivery events;
    final FarTransfers far;
    private final IoBus ports;
    private final CpuidTable cpuid;
    private final MsrBus msrs;
    private final VirtualClock clock;
    private FloatingPointUnit fpu;
    /** The CPU's FERR# output and IGNNE# input (null: not wired, IGNNE# reads deasserted). */
    private CpuInterrupts pins;
    /** The FERR# level last driven. */
    private boolean ferr;

    public SystemInstructions(Cpu cpu, IoBus ports, CpuidTable cpuid, MsrBus msrs, VirtualClock clock) {
        this.cpu = cpu;
        this.descriptors = new Descriptors(cpu);
        this.events = new EventDelivery(cpu, descriptors);
        this.far = new FarTransfers(cpu, descriptors, events);
        this.ports = ports;
        this.cpuid = cpuid;
        this.msrs = msrs;
        this.clock = clock;
    }

    public void setFpu(FloatingPointUnit fpu) {
        this.fpu = fpu;
    }

    /** Wires FERR# and IGNNE# (the x87's MS-DOS compatibility mode) to the machine's pins. */
    public void setFpuErrorPins(CpuInterrupts pins) {
        this.pins = pins;
    }

    public Descriptors descriptors() {
        return descriptors;
    }

    public EventDelivery events() {
        return events;
    }

    void requireCpl0() {
        if (cpu.protectedMode() && cpu.cpl != 0) {
            throw CpuFault.gp(0);
        }
    }

    // ---- I/O ---------------------------------------------------------------------------------------

    /**
     * I/O permission (SDM Vol. 1, 19.5): CPL <= IOPL, else every bit of the TSS I/O bitmap must be 0. In
     * virtual-8086 mode IOPL does not matter: the bitmap alone decides (SDM Vol. 3B, 20.2.8.1).
     */
    void checkIo(int port, int size) {
        if (!cpu.protectedMode() || (cpu.cpl <= cpu.iopl() && !cpu.v86())) {
            return;
        }
        int type = cpu.segAr[Cpu.TR] & 0xf;
        if ((type != 9 && type != 0xb) || Integer.compareUnsigned(cpu.segLimit[Cpu.TR], 0x67) < 0) {
            throw CpuFault.gp(0);
        }
        int base = cpu.segBase[Cpu.TR];
        int map = cpu.readSystem16(base + 0x66);
        int offset = map + (port >>> 3);
        if (Integer.compareUnsigned(offset + 1, cpu.segLimit[Cpu.TR]) > 0) {
            throw CpuFault.gp(0);
        }
        int bits = cpu.readSystem16(base + offset);
        int mask = ((1 << size) - 1) << (port & 7);
        if ((bits & mask) != 0) {
            throw CpuFault.gp(0);
        }
    }

    int portIn(int port, int size) {
        cpu.portAccessed = true;
        return (int) ports.read(port, size);
    }

    void portOut(int port, int size, int value) {
        cpu.portAccessed = true;
        ports.write(port, size, Integer.toUnsignedLong(value) & (size == 4 ? 0xffffffffL : (1L << (size * 8)) - 1));
    }

    void in(Instruction i, int port, int size) {
        checkIo(port, size);
        cpu.setReg(size, 0, portIn(port, size));
    }

    void out(Instruction i, int port, int size) {
        checkIo(port, size);
        portOut(port, size, cpu.gpr[0]);
    }

    // ---- flags, interrupts, halt -------------------------------------------------------------------

    /** PUSHF, POPF, INT n, IRET, CLI and STI are IOPL-sensitive in virtual-8086 mode (SDM Vol. 3B, 20.2.7). */
    private void requireV86Iopl3() {
        if (cpu.v86() && cpu.iopl() != 3) {
            throw CpuFault.gp(0);
        }
    }

    void pushf(Instruction i) {
        requireV86Iopl3();
        cpu.push(i.op32 ? 4 : 2, cpu.flags.get() & ~(Flags.VM | Flags.RF));
    }

    void popf(Instruction i) {
        requireV86Iopl3(); // then as at CPL 3: IOPL stays (SDM Vol. 2B, POPF)
        int size = i.op32 ? 4 : 2;
        int v = cpu.peek(size, 0);
        cpu.setSp(cpu.sp() + size);
        boolean pm = cpu.protectedMode();
        far.setFlags(v, i.op32, !pm || cpu.cpl == 0, !pm || cpu.cpl <= cpu.iopl());
    }

    void cli() {
        if (cpu.protectedMode() && cpu.cpl > cpu.iopl()) {
            throw CpuFault.gp(0);
        }
        cpu.flags.bits &= ~Flags.IF;
    }

    void sti() {
        if (cpu.protectedMode() && cpu.cpl > cpu.iopl()) {
            throw CpuFault.gp(0);
        }
        if (!cpu.flags.isSet(Flags.IF)) {
            cpu.interruptShadow |= 1; // STI delays interrupts by one instruction (SDM Vol. 2B, STI)
        }
        cpu.flags.bits |= Flags.IF;
    }

    void hlt() {
        requireCpl0();
        cpu.halted = true;
    }

    void iret(Instruction i) {
        far.interruptReturn(i.op32);
        cpu.nmiBlocked = false;
    }

    /** INT n, INT3, INTO: software interrupts with the gate DPL check; the return address is the next instruction. */
    void softwareInterrupt(int vector) {
        events.deliver(vector, EventDelivery.SOFTWARE, false, 0);
    }

    /** INT n (CD ib): in virtual-8086 mode #GP(0) unless IOPL = 3 (INT3 and INTO are not IOPL-sensitive). */
    void interruptN(int vector) {
        requireV86Iopl3();
        softwareInterrupt(vector);
    }

    /** INT1 (ICEBP): delivered like a hardware exception, without the DPL check. */
    void softwareException(int vector) {
        events.deliver(vector, EventDelivery.EXCEPTION, false, 0);
    }

    void arpl(Instruction i) {
        if (cpu.realSegments()) { // not recognized in real or virtual-8086 mode
            throw CpuFault.ud();
        }
        int dst = i.mod == 3 ? cpu.gpr[i.rm] & 0xffff : cpu.read16(i.segment(), eaOf(i));
        int src = cpu.gpr[i.reg] & 0xffff;
        cpu.flags.materialize();
        if ((dst & 3) < (src & 3)) {
            dst = (dst & ~3) | (src & 3);
            if (i.mod == 3) {
                cpu.setReg(2, i.rm, dst);
            } else {
                cpu.write16(i.segment(), eaOf(i), dst);
            }
            cpu.flags.bits |= Flags.ZF;
        } else {
            cpu.flags.bits &= ~Flags.ZF;
        }
    }

    private Executor executor;

    void attach(Executor x) {
        this.executor = x;
    }

    private int eaOf(Instruction i) {
        return executor.ea;
    }

    // ---- x87 ---------------------------------------------------------------------------------------

    void x87(Instruction i, int ea) {
        if ((cpu.cr0 & (Cpu.CR0_EM | Cpu.CR0_TS)) != 0 || fpu == null) {
            throw new CpuFault(CpuFault.NM); // SDM Vol. 3A, 2.5 (CR0.EM, CR0.TS) and table 2-2
        }
        int modrm = i.mod << 6 | i.reg << 3 | i.rm;
        if (fpu.mustRaiseBefore(i.opcode, modrm) && !pendingErrorIgnored(i)) {
            return; // frozen before the instruction
        }
        int linear = i.mod == 3 ? 0 : cpu.segBase[i.segment()] + ea;
        int dsSel = cpu.segSel[i.mod == 3 ? Cpu.DS : i.segment()];
        try {
            if (!fpu.execute(i.opcode, modrm, linear, i.op32, cpu.realSegments(), cpu.segSel[Cpu.CS], i.eip, dsSel)) {
                throw CpuFault.ud();
            }
        } finally {
            driveFerr(false);
        }
    }

    void fwait(Instruction i) {
        if ((cpu.cr0 & (Cpu.CR0_MP | Cpu.CR0_TS)) == (Cpu.CR0_MP | Cpu.CR0_TS)) {
            throw new CpuFault(CpuFault.NM);
        }
        if (fpu != null && fpu.errorPending()) {
            pendingErrorIgnored(i);
        }
    }

    /**
     * A waiting x87 instruction (or WAIT) found an unmasked exception pending (SDM Vol. 1, 8.7). With CR0.NE = 1
     * it raises #MF. With CR0.NE = 0 (MS-DOS compatibility mode) FERR# is asserted, which the chipset turns into
     * IRQ 13, and the CPU freezes just before the instruction until an interrupt comes (the IRQ 13 handler
     * returns to it), unless IGNNE# is asserted: then the instruction runs as if nothing were pending (SDM Vol. 1,
     * 8.7.2 and D.2.1.3). Returns true when the instruction is to run; false after freezing.
     */
    private boolean pendingErrorIgnored(Instruction i) {
        if ((cpu.cr0 & Cpu.CR0_NE) != 0) {
            throw new CpuFault(CpuFault.MF);
        }
        // FERR# is already asserted: every change of FSW.ES or CR0.NE drives it (driveFerr)
        if (pins != null && pins.ignne()) {
            return true;
        }
        cpu.eip = i.eip; // the restart point: the instruction runs again after the interrupt handler
        cpu.halted = true;
        return false;
    }

    /**
     * FERR# follows FSW.ES while CR0.NE = 0 (sandpile.org "legacy stuff": FERR# is level-sensitive and mirrors
     * ES); with CR0.NE = 1 the CPU reports through #MF and leaves FERR# deasserted. force: drive the level even
     * when unchanged (after a state load, when the pins may hold another vCPU's level).
     */
    public void driveFerr(boolean force) {
        boolean level = fpu != null && (cpu.cr0 & Cpu.CR0_NE) == 0 && fpu.errorPending();
        if ((level != ferr || force) && pins != null) {
            pins.setFerr(level);
        }
        ferr = level;
    }

    void fxsaveOrRestore(Instruction i, int ea) {
        if (i.mod == 3 || i.reg > 1 || (cpu.cr0 & Cpu.CR0_EM) != 0) {
            throw CpuFault.ud();
        }
        if ((cpu.cr0 & Cpu.CR0_TS) != 0 || fpu == null) {
            throw new CpuFault(CpuFault.NM);
        }
        int linear = cpu.segBase[i.segment()] + ea;
        if ((linear & 15) != 0) {
            throw CpuFault.gp(0); // FXSAVE/FXRSTOR need a 16-byte aligned operand (SDM Vol. 2A, FXSAVE)
        }
        if (i.reg == 0) {
            fpu.fxsave(linear);
        } else {
            fpu.fxrstor(linear);
            driveFerr(false);
        }
    }

    // ---- control and debug registers -------------------------------------------------------------

    void movFromCr(Instruction i) {
        requireCpl0();
        int v = switch (i.reg) {
            case 0 -> cpu.cr0;
            case 2 -> cpu.mmu.cr2;
            case 3 -> cpu.cr3;
            case 4 -> cpu.cr4;
            default -> throw CpuFault.ud();
        };
        cpu.gpr[i.rm] = v;
    }

    void movToCr(Instruction i) {
        requireCpl0();
        int v = cpu.gpr[i.rm];
        switch (i.reg) {
            case 0 -> writeCr0(v);
            case 2 -> cpu.mmu.cr2 = v;
            case 3 -> {
                cpu.setControlRegisters(cpu.cr0, v, cpu.cr4);
                cpu.mmu.flushNonGlobal();
            }
            case 4 -> {
                // Only the features this CPU model reports: no PAE, no VME/PVI (SDM Vol. 3A, 2.5: reserved bits -> #GP).
                int allowed = 0x4 | 0x8 | 0x10 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400;
                if ((v & ~allowed) != 0) {
                    throw CpuFault.gp(0);
                }
                cpu.setControlRegisters(cpu.cr0, cpu.cr3, v);
            }
            default -> throw CpuFault.ud();
        }
    }

    void writeCr0(int v) {
        if ((v & Cpu.CR0_PG) != 0 && (v & Cpu.CR0_PE) == 0) {
            throw CpuFault.gp(0);
        }
        if ((v & 0x60000000) == 0x40000000) {
            throw CpuFault.gp(0); // CD = 0 with NW = 1 is invalid
        }
        boolean pe = (v & Cpu.CR0_PE) != 0;
        cpu.setControlRegisters(v, cpu.cr3, cpu.cr4);
        if (!pe) {
            cpu.setCpl(0);
        }
        driveFerr(false); // CR0.NE selects whether FERR# reports
    }

    void movFromDr(Instruction i) {
        requireCpl0();
        cpu.gpr[i.rm] = cpu.dr[debugIndex(i.reg)];
    }

    void movToDr(Instruction i) {
        requireCpl0();
        cpu.dr[debugIndex(i.reg)] = cpu.gpr[i.rm];
    }

    private int debugIndex(int r) {
        if (r == 4 || r == 5) {
            if ((cpu.cr4 & 8) != 0) {
                throw CpuFault.ud(); // CR4.DE makes DR4/DR5 references undefined (SDM Vol. 3B, 17.2.2)
            }
            return r + 2;
        }
        return r;
    }

    void clts() {
        requireCpl0();
        cpu.cr0 &= ~Cpu.CR0_TS;
    }

    void lmsw(int v) {
        requireCpl0();
        int keepPe = cpu.cr0 & Cpu.CR0_PE; // LMSW cannot clear PE (SDM Vol. 2A, LMSW)
        writeCr0((cpu.cr0 & ~0xf) | (v & 0xf) | keepPe);
    }

    // ---- MSR, TSC, CPUID ---------------------------------------------------------------------------

    public long tsc() {
        return clock.nanos() + cpu.tscOffset;
    }

    void rdtsc() {
        if ((cpu.cr4 & 4) != 0 && cpu.protectedMode() && cpu.cpl != 0) {
            throw CpuFault.gp(0); // CR4.TSD
        }
        long t = tsc();
        cpu.gpr[0] = (int) t;
        cpu.gpr[2] = (int) (t >>> 32);
    }

    /**
     * RDPMC (SDM Vol. 2B, RDPMC; P6: counters 0 and 1 only, #GP(0) for any other ECX, and outside ring 0 in
     * protected mode unless CR4.PCE). This CPU model selects no events (the PerfEvtSel MSRs 0x186/0x187 do not
     * exist, so RDMSR/WRMSR of them raise #GP and Linux reports no PMU): both counters read 0.
     */
    void rdpmc() {
        if ((cpu.cr4 & 0x100) == 0 && cpu.protectedMode() && cpu.cpl != 0) {
            throw CpuFault.gp(0); // CR4.PCE
        }
        if ((cpu.gpr[1] & ~1) != 0) {
            throw CpuFault.gp(0);
        }
        cpu.gpr[0] = 0;
        cpu.gpr[2] = 0;
    }

    void rdmsr() {
        requireCpl0();
        int index = cpu.gpr[1];
        long v = switch (index) {
            case MSR_TSC -> tsc();
            case MSR_BIOS_SIGN_ID -> 0L; // no microcode loaded
            case MSR_SYSENTER_CS -> Integer.toUnsignedLong(cpu.sysenterCs);
            case MSR_SYSENTER_ESP -> Integer.toUnsignedLong(cpu.sysenterEsp);
            case MSR_SYSENTER_EIP -> Integer.toUnsignedLong(cpu.sysenterEip);
            default -> {
                MsrDevice d = msrs.lookup(index);
                if (d == null) {
                    throw CpuFault.gp(0);
                }
                yield d.readMsr(index);
            }
        };
        cpu.gpr[0] = (int) v;
        cpu.gpr[2] = (int) (v >>> 32);
    }

    void wrmsr() {
        requireCpl0();
        int index = cpu.gpr[1];
        long v = Integer.toUnsignedLong(cpu.gpr[0]) | (long) cpu.gpr[2] << 32;
        switch (index) {
            case MSR_TSC -> cpu.tscOffset = v - clock.nanos();
            case MSR_BIOS_SIGN_ID -> { } // writing starts a microcode revision query; nothing to do
            case MSR_SYSENTER_CS -> cpu.sysenterCs = (int) v;
            case MSR_SYSENTER_ESP -> cpu.sysenterEsp = (int) v;
            case MSR_SYSENTER_EIP -> cpu.sysenterEip = (int) v;
            default -> {
                MsrDevice d = msrs.lookup(index);
                if (d == null || !d.writeMsr(index, v)) {
                    throw CpuFault.gp(0);
                }
            }
        }
    }

    void cpuid() {
        int[] r = cpuid.query(cpu.gpr[0], cpu.gpr[1]);
        cpu.gpr[0] = r[0];
        cpu.gpr[3] = r[1];
        cpu.gpr[1] = r[2];
        cpu.gpr[2] = r[3];
    }

    // ---- SYSENTER / SYSEXIT (SDM Vol. 2B) ----------------------------------------------------------

    private static int flatAr(int type, int dpl) {
        return type | Segment.S | dpl << Segment.DPL_SHIFT | Segment.P | Segment.DB | Segment.G;
    }

    void sysenter() {
        int cs = cpu.sysenterCs & 0xfffc;
        if (!cpu.protectedMode() || cs == 0) {
            throw CpuFault.gp(0);
        }
        cpu.flags.bits &= ~(Flags.VM | Flags.IF | Flags.RF);
        cpu.setSegment(Cpu.CS, cs, 0, -1, flatAr(0xb, 0));
        cpu.setSegment(Cpu.SS, cs + 8, 0, -1, flatAr(0x3, 0));
        cpu.setCpl(0);
        cpu.gpr[Cpu.ESP] = cpu.sysenterEsp;
        cpu.eip = cpu.sysenterEip;
    }

    void sysexit() {
        int cs = cpu.sysenterCs & 0xfffc;
        if (!cpu.protectedMode() || cpu.cpl != 0 || cs == 0) {
            throw CpuFault.gp(0);
        }
        cpu.setSegment(Cpu.CS, (cs + 16) | 3, 0, -1, flatAr(0xb, 3));
        cpu.setSegment(Cpu.SS, (cs + 24) | 3, 0, -1, flatAr(0x3, 3));
        cpu.setCpl(3);
        cpu.gpr[Cpu.ESP] = cpu.gpr[Cpu.ECX];
        cpu.eip = cpu.gpr[Cpu.EDX];
    }

    // ---- descriptor tables (0F 00, 0F 01, LAR, LSL) ---------------------------------------------------

    void group6(Instruction i, Executor x) {
        if (cpu.realSegments()) { // SLDT, STR, LLDT, LTR, VERR, VERW: #UD in real and virtual-8086 mode
            throw CpuFault.ud();
        }
        switch (i.reg) {
            case 0 -> storeSelector(i, x, cpu.segSel[Cpu.LDTR]);
            case 1 -> storeSelector(i, x, cpu.segSel[Cpu.TR]);
            case 2 -> {
                requireCpl0();
                lldt(x.readRm(i, 2));
            }
            case 3 -> {
                requireCpl0();
                ltr(x.readRm(i, 2));
            }
            case 4, 5 -> verify(x.readRm(i, 2), i.reg == 5);
            default -> throw CpuFault.ud();
        }
    }

    private void storeSelector(Instruction i, Executor x, int selector) {
        if (i.mod == 3) {
            cpu.setReg(i.op32 ? 4 : 2, i.rm, selector);
        } else {
            cpu.write16(i.segment(), x.ea, selector);
        }
    }

    private void lldt(int selector) {
        if ((selector & 0xfffc) == 0) {
            cpu.setSegment(Cpu.LDTR, selector, 0, 0, Segment.UNUSABLE);
            return;
        }
        if ((selector & 4) != 0) {
            throw CpuFault.gp(selector & 0xfffc);
        }
        long d = descriptors.read(selector);
        if (Descriptors.codeOrData(d) || Descriptors.type(d) != 2) {
            throw CpuFault.gp(selector & 0xfffc);
        }
        if (!Descriptors.present(d)) {
            throw new CpuFault(CpuFault.NP, selector & 0xfffc);
        }
        cpu.setSegment(Cpu.LDTR, selector, Descriptors.base(d), Descriptors.limit(d), Descriptors.ar(d));
    }

    private void ltr(int selector) {
        if ((selector & 0xfffc) == 0 || (selector & 4) != 0) {
            throw CpuFault.gp(selector & 0xfffc);
        }
        long d = descriptors.read(selector);
        int type = Descriptors.type(d);
        if (Descriptors.codeOrData(d) || (type != 1 && type != 9)) {
            throw CpuFault.gp(selector & 0xfffc);
        }
        if (!Descriptors.present(d)) {
            throw new CpuFault(CpuFault.NP, selector & 0xfffc);
        }
        cpu.writeSystem8(descriptors.address(selector) + 5, (int) (d >>> 40) | 2); // mark busy
        cpu.setSegment(Cpu.TR, selector, Descriptors.base(d), Descriptors.limit(d), Descriptors.ar(d) | 2);
    }

    /** VERR/VERW: ZF = 1 when the segment is readable/writable at the current privilege (SDM Vol. 2B, VERR/VERW). */
    private void verify(int selector, boolean write) {
        boolean ok = false;
        if ((selector & 0xfffc) != 0) {
            try {
                long d = descriptors.read(selector);
                int type = Descriptors.type(d);
                boolean visible = Descriptors.dpl(d) >= cpu.cpl && Descriptors.dpl(d) >= (selector & 3);
                if (Descriptors.codeOrData(d)) {
                    if (write) {
                        ok = (type & 0xa) == 2 && visible;
                    } else if ((type & 8) == 0) {
                        ok = visible;
                    } else {
                        ok = (type & 2) != 0 && ((type & 4) != 0 || visible);
                    }
                }
            } catch (CpuFault f) {
                ok = false;
            }
        }
        setZf(ok);
    }

    private void setZf(boolean z) {
        cpu.flags.materialize();
        cpu.flags.bits = z ? cpu.flags.bits | Flags.ZF : cpu.flags.bits & ~Flags.ZF;
    }

    void group7(Instruction i, Executor x) {
        if (i.reg == 4) { // SMSW
            if (i.mod == 3) {
                cpu.setReg(i.op32 ? 4 : 2, i.rm, cpu.cr0);
            } else {
                cpu.write16(i.segment(), x.ea, cpu.cr0);
            }
            return;
        }
        if (i.reg == 6) {
            lmsw(x.readRm(i, 2));
            return;
        }
        if (i.mod == 3) {
            throw CpuFault.ud();
        }
        int s = i.segment();
        int ea = x.ea;
        switch (i.reg) {
            case 0, 1 -> {
                int base = i.reg == 0 ? cpu.gdtBase : cpu.idtBase;
                int limit = i.reg == 0 ? cpu.gdtLimit : cpu.idtLimit;
                cpu.checkWritable(s, ea, 6);
                cpu.write16(s, ea, limit);
                cpu.write32(s, ea + 2, i.op32 ? base : base & 0xffffff);
            }
            case 2, 3 -> {
                requireCpl0();
                int limit = cpu.read16(s, ea);
                int base = cpu.read32(s, ea + 2);
                if (!i.op32) {
                    base &= 0xffffff;
                }
                if (i.reg == 2) {
                    cpu.gdtBase = base;
                    cpu.gdtLimit = limit;
                } else {
                    cpu.idtBase = base;
                    cpu.idtLimit = limit;
                }
            }
            case 7 -> {
                requireCpl0();
                cpu.mmu.invalidate(cpu.segBase[s] + ea);
            }
            default -> throw CpuFault.ud();
        }
    }

    /** LAR (0F 02) and LSL (0F 03). */
    void larLsl(Instruction i, Executor x, boolean lsl) {
        if (cpu.realSegments()) { // #UD in real and virtual-8086 mode (SDM Vol. 2A, LAR; Vol. 2B, LSL)
            throw CpuFault.ud();
        }
        int selector = x.readRm(i, 2);
        if ((selector & 0xfffc) == 0) {
            setZf(false);
            return;
        }
        long d;
        try {
            d = descriptors.read(selector);
        } catch (CpuFault f) {
            setZf(false);
            return;
        }
        int type = Descriptors.type(d);
        boolean valid;
        if (Descriptors.codeOrData(d)) {
            boolean conformingCode = (type & 0xc) == 0xc;
            valid = conformingCode || (Descriptors.dpl(d) >= cpu.cpl && Descriptors.dpl(d) >= (selector & 3));
        } else {
            valid = lsl ? (type == 1 || type == 2 || type == 3 || type == 9 || type == 0xb)
                    : (type == 1 || type == 2 || type == 3 || type == 4 || type == 5 || type == 9 || type == 0xb
                            || type == 0xc);
            valid &= Descriptors.dpl(d) >= cpu.cpl && Descriptors.dpl(d) >= (selector & 3);
        }
        if (!valid) {
            setZf(false);
            return;
        }
        int size = i.op32 ? 4 : 2;
        cpu.setReg(size, i.reg, lsl ? Descriptors.limit(d) : (int) (d >>> 32) & 0x00ffff00);
        setZf(true);
    }
}
