package dev.hyperbundle.interp.core;

import dev.hyperbundle.cpu.Segment;

/**
 * Delivers interrupts and exceptions: through the real-mode IVT, or through IDT interrupt, trap and
 * task gates with privilege checks and the stack switch via the TSS (SDM Vol. 3A, 6.12 and Vol. 2A,
 * "INT n/INTO/INT3/INT1 - Call to Interrupt Procedure", Operation).
 */
public final class EventDelivery {
    /** Where the event comes from, which decides the EXT bit and the gate DPL check. */
    public static final int SOFTWARE = 0, EXCEPTION = 1, EXTERNAL = 2;

    private final Cpu cpu;
    private final Descriptors descriptors;
    private final TaskSwitch tasks;
    /** Events delivered so far (the single-step rule needs to know whether an instruction delivered one). */
    public long delivered;

    public EventDelivery(Cpu cpu, Descriptors descriptors) {
        this.cpu = cpu;
        this.descriptors = descriptors;
        this.tasks = new TaskSwitch(cpu, descriptors);
    }

    TaskSwitch tasks() {
        return tasks;
    }

    /**
     * Delivers vector with cpu.eip as the return address. On a fault during delivery the registers are
     * as before (the caller turns the fault into #DF or a triple fault).
     */
    public void deliver(int vector, int source, boolean hasError, int error) {
        int savedEsp = cpu.gpr[Cpu.ESP];
        try {
            if (cpu.protectedMode()) {
                deliverProtected(vector, source, hasError, error);
            } else {
                deliverReal(vector);
            }
        } catch (CpuFault f) {
            cpu.gpr[Cpu.ESP] = savedEsp;
            throw f;
        }
        cpu.halted = false;
        delivered++;
    }

    private void deliverReal(int vector) {
        int entry = vector * 4;
        if (Integer.compareUnsigned(entry + 3, cpu.idtLimit) > 0) {
            throw CpuFault.gp(0);
        }
        int target = cpu.readSystem32(cpu.idtBase + entry);
        cpu.push(2, cpu.flags.get());
        cpu.push(2, cpu.segSel[Cpu.CS]);
        cpu.push(2, cpu.eip);
        cpu.flags.bits &= ~(Flags.IF | Flags.TF | Flags.AC | Flags.RF);
        descriptors.loadReal(Cpu.CS, target >>> 16);
        cpu.eip = target & 0xffff;
    }

    private void deliverProtected(int vector, int source, boolean hasError, int error) {
        int ext = source == SOFTWARE ? 0 : 1;
        int idtError = vector * 8 + 2 + ext;
        if (Integer.compareUnsigned(vector * 8 + 7, cpu.idtLimit) > 0) {
            throw CpuFault.gp(idtError);
        }
        int lo = cpu.readSystem32(cpu.idtBase + vector * 8);
        int hi = cpu.readSystem32(cpu.idtBase + vector * 8 + 4);
        int type = (hi >>> 8) & 0x1f;
        if (type != 5 && type != 6 && type != 7 && type != 0xe && type != 0xf) {
            throw CpuFault.gp(idtError);
        }
        int gateDpl = (hi >>> 13) & 3;
        if (source == SOFTWARE && gateDpl < cpu.cpl) {
            throw CpuFault.gp(idtError);
        }
        if ((hi & 0x8000) == 0) {
            throw new CpuFault(CpuFault.NP, idtError);
        }
        int selector = lo >>> 16;
        if (type == 5) {
            tasks.switchTo(selector, TaskSwitch.CALL, cpu.eip);
            if (hasError) {
                cpu.push(cpu.code32() ? 4 : 2, error);
            }
            return;
        }
        boolean gate32 = (type & 8) != 0;
        int offset = gate32 ? (lo & 0xffff) | (hi & 0xffff0000) : lo & 0xffff;
        if ((selector & 0xfffc) == 0) {
            throw CpuFault.gp(ext);
        }
        long code;
        try {
            code = descriptors.read(selector);
        } catch (CpuFault f) {
            throw CpuFault.gp((selector & 0xfffc) + ext);
        }
        int dpl = Descriptors.dpl(code);
        if (!Descriptors.codeOrData(code) || (Descriptors.type(code) & 8) == 0 || dpl > cpu.cpl) {
            throw CpuFault.gp((selector & 0xfffc) + ext);
        }
        if (!Descriptors.present(code)) {
            throw new CpuFault(CpuFault.NP, (selector & 0xfffc) + ext);
        }
        if (Integer.compareUnsigned(offset, Descriptors.limit(code)) > 0) {
            throw CpuFault.gp(ext);
        }
        int size = gate32 ? 4 : 2;
        int flags = cpu.flags.get();
        boolean conforming = (Descriptors.type(code) & 4) != 0;
        boolean v86 = cpu.v86();
        if (v86 && (conforming || dpl != 0)) {
            // From virtual-8086 mode only a ring-0 non-conforming handler (SDM Vol. 2A, INT n, Operation;
            // Vol. 3B, 20.3.1.1)
            throw CpuFault.gp((selector & 0xfffc) + ext);
        }
        if (!conforming && dpl < cpu.cpl) {
            int[] stack = innerStack(dpl, ext);
            int ssSel = stack[0];
            long ss = stackSegment(ssSel, dpl, ext);
            StackFrame frame = new StackFrame(cpu, Descriptors.base(ss), stack[1],
                    (Descriptors.ar(ss) & Segment.DB) != 0, 0);
            if (v86) {
                // INTERRUPT-FROM-VIRTUAL-8086-MODE: the data segment registers first (SDM Vol. 3B, figure 20-2)
                frame.push(size, cpu.segSel[Cpu.GS]);
                frame.push(size, cpu.segSel[Cpu.FS]);
                frame.push(size, cpu.segSel[Cpu.DS]);
                frame.push(size, cpu.segSel[Cpu.ES]);
            }
            frame.push(size, cpu.segSel[Cpu.SS]);
            frame.push(size, cpu.gpr[Cpu.ESP]);
            frame.push(size, flags);
            frame.push(size, cpu.segSel[Cpu.CS]);
            frame.push(size, cpu.eip);
            if (hasError) {
                frame.push(size, error);
            }
            descriptors.setAccessed(ssSel, ss);
            cpu.setSegment(Cpu.SS, ssSel, Descriptors.base(ss), Descriptors.limit(ss), Descriptors.ar(ss) | 1);
            cpu.gpr[Cpu.ESP] = frame.esp(stack[1]);
            if (v86) {
                for (int s : new int[] {Cpu.ES, Cpu.DS, Cpu.FS, Cpu.GS}) {
                    cpu.setSegment(s, 0, 0, 0, Segment.UNUSABLE);
                }
            }
            descriptors.loadCode(selector, code, dpl);
        } else {
            int newCpl = conforming ? cpu.cpl : dpl;
            StackFrame frame = new StackFrame(cpu, cpu.segBase[Cpu.SS], cpu.gpr[Cpu.ESP], cpu.stack32(), cpu.user);
            frame.push(size, flags);
            frame.push(size, cpu.segSel[Cpu.CS]);
            frame.push(size, cpu.eip);
            if (hasError) {
                frame.push(size, error);
            }
            cpu.gpr[Cpu.ESP] = frame.esp(cpu.gpr[Cpu.ESP]);
            descriptors.loadCode(selector, code, newCpl);
        }
        cpu.eip = offset;
        int clear = Flags.TF | Flags.NT | Flags.RF | Flags.VM;
        if ((type & 1) == 0) {
            clear |= Flags.IF; // interrupt gate (SDM Vol. 3A, 6.12.1.3)
        }
        cpu.flags.bits &= ~clear;
    }

    /** SS:ESP for privilege level dpl from the current TSS (SDM Vol. 3A, 7.2.1 / 7.7). */
    int[] innerStack(int dpl, int ext) {
        int trType = cpu.segAr[Cpu.TR] & 0xf;
        boolean tss32 = (trType & 8) != 0;
        int offset = tss32 ? 4 + dpl * 8 : 2 + dpl * 4;
        int size = tss32 ? 8 : 4;
        if (Integer.compareUnsigned(offset + size - 1, cpu.segLimit[Cpu.TR]) > 0) {
            throw new CpuFault(CpuFault.TS, (cpu.segSel[Cpu.TR] & 0xfffc) + ext);
        }
        int base = cpu.segBase[Cpu.TR] + offset;
        if (tss32) {
            return new int[] {cpu.readSystem16(base + 4), cpu.readSystem32(base)};
        }
        return new int[] {cpu.readSystem16(base + 2), cpu.readSystem16(base)};
    }

    /** Checks a new stack segment for privilege level dpl (SDM Vol. 2A, INT n, Operation: #TS cases). */
    long stackSegment(int selector, int dpl, int ext) {
        if ((selector & 0xfffc) == 0) {
            throw new CpuFault(CpuFault.TS, ext);
        }
        long ss;
        try {
            ss = descriptors.read(selector);
        } catch (CpuFault f) {
            throw new CpuFault(CpuFault.TS, (selector & 0xfffc) + ext);
        }
        if ((selector & 3) != dpl || Descriptors.dpl(ss) != dpl || !Descriptors.codeOrData(ss)
                || (Descriptors.type(ss) & 0xa) != 2) {
            throw new CpuFault(CpuFault.TS, (selector & 0xfffc) + ext);
        }
        if (!Descriptors.present(ss)) {
            throw new CpuFault(CpuFault.SS, (selector & 0xfffc) + ext);
        }
        return ss;
    }
}
