package dev.hyperbundle.interp.core;

import dev.hyperbundle.cpu.Segment;

/**
 * Far JMP, far CALL, far RET and IRET in real and protected mode, including call gates and the
 * privilege-level stack switch (SDM Vol. 2A/2B, the Operation sections of JMP, CALL, RET and IRET).
 * Every check and memory access happens before CS, SS, ESP or EIP change, so a fault restarts cleanly.
 */
public final class FarTransfers {
    private final Cpu cpu;
    private final Descriptors descriptors;
    private final EventDelivery events;

    public FarTransfers(Cpu cpu, Descriptors descriptors, EventDelivery events) {
        this.cpu = cpu;
        this.descriptors = descriptors;
        this.events = events;
    }

    public void jump(int selector, int offset, boolean op32, int nextEip) {
        if (cpu.realSegments()) { // real mode, and virtual-8086 mode (SDM Vol. 2A, JMP: as in real mode)
            descriptors.loadReal(Cpu.CS, selector);
            cpu.eip = op32 ? offset : offset & 0xffff;
            return;
        }
        long d = nonNull(selector);
        if (Descriptors.codeOrData(d)) {
            checkCodeTarget(selector, d, true);
            enterCode(selector, d, cpu.cpl, offset, op32);
            return;
        }
        int type = Descriptors.type(d);
        if (type == 9 || type == 5) {
            checkGatePrivilege(selector, d);
            int tss = type == 5 ? (int) d >>> 16 : selector;
            events.tasks().switchTo(tss, TaskSwitch.JMP, nextEip);
            return;
        }
        if (type != 4 && type != 0xc) {
            throw CpuFault.gp(selector & 0xfffc);
        }
        checkGatePrivilege(selector, d);
        int target = (int) d >>> 16;
        long code = nonNull(target);
        if (!Descriptors.codeOrData(code) || (Descriptors.type(code) & 8) == 0) {
            throw CpuFault.gp(target & 0xfffc);
        }
        boolean conforming = (Descriptors.type(code) & 4) != 0;
        if (conforming ? Descriptors.dpl(code) > cpu.cpl : Descriptors.dpl(code) != cpu.cpl) {
            throw CpuFault.gp(target & 0xfffc);
        }
        requirePresent(target, code);
        enterCode(target, code, cpu.cpl, gateOffset(d), type == 0xc);
    }

    public void call(int selector, int offset, boolean op32, int nextEip) {
        int size = op32 ? 4 : 2;
        if (cpu.realSegments()) { // real mode, and virtual-8086 mode (SDM Vol. 2A, CALL)
            StackFrame f = currentStack();
            f.push(size, cpu.segSel[Cpu.CS]);
            f.push(size, nextEip);
            cpu.gpr[Cpu.ESP] = f.esp(cpu.gpr[Cpu.ESP]);
            descriptors.loadReal(Cpu.CS, selector);
            cpu.eip = op32 ? offset : offset & 0xffff;
            return;
        }
        long d = nonNull(selector);
        if (Descriptors.codeOrData(d)) {
            checkCodeTarget(selector, d, false);
            StackFrame f = currentStack();
            f.push(size, cpu.segSel[Cpu.CS]);
            f.push(size, nextEip);
            checkOffset(d, op32 ? offset : offset & 0xffff);
            cpu.gpr[Cpu.ESP] = f.esp(cpu.gpr[Cpu.ESP]);
            enterCode(selector, d, cpu.cpl, offset, op32);
            return;
        }
        int type = Descriptors.type(d);
        if (type == 9 || type == 5) {
            checkGatePrivilege(selector, d);
            int tss = type == 5 ? (int) d >>> 16 : selector;
            events.tasks().switchTo(tss, TaskSwitch.CALL, nextEip);
            return;
        }
        if (type != 4 && type != 0xc) {
            throw CpuFault.gp(selector & 0xfffc);
        }
        checkGatePrivilege(selector, d);
        int target = (int) d >>> 16;
        long code = nonNull(target);
        int dpl = Descriptors.dpl(code);
        if (!Descriptors.codeOrData(code) || (Descriptors.type(code) & 8) == 0 || dpl > cpu.cpl) {
            throw CpuFault.gp(target & 0xfffc);
        }
        requirePresent(target, code);
        boolean gate32 = type == 0xc;
        int gsize = gate32 ? 4 : 2;
        int entry = gateOffset(d);
        checkOffset(code, entry);
        boolean conforming = (Descriptors.type(code) & 4) != 0;
        if (!conforming && dpl < cpu.cpl) {
            // Inter-privilege call through a gate: new stack from the TSS, parameters copied (SDM Vol. 2A, CALL).
            int[] stack = events.innerStack(dpl, 0);
            long ss = events.stackSegment(stack[0], dpl, 0);
            StackFrame f = new StackFrame(cpu, Descriptors.base(ss), stack[1],
                    (Descriptors.ar(ss) & Segment.DB) != 0, dpl == 3 ? 1 : 0);
            f.push(gsize, cpu.segSel[Cpu.SS]);
            f.push(gsize, cpu.gpr[Cpu.ESP]);
            int params = (int) (d >>> 32) & 0x1f;
            for (int i = params - 1; i >= 0; i--) {
                f.push(gsize, cpu.peek(gsize, i * gsize));
            }
            f.push(gsize, cpu.segSel[Cpu.CS]);
            f.push(gsize, nextEip);
            descriptors.setAccessed(stack[0], ss);
            cpu.setSegment(Cpu.SS, stack[0], Descriptors.base(ss), Descriptors.limit(ss), Descriptors.ar(ss) | 1);
            cpu.gpr[Cpu.ESP] = f.esp(stack[1]);
            enterCode(target, code, dpl, entry, true);
        } else {
            StackFrame f = currentStack();
            f.push(gsize, cpu.segSel[Cpu.CS]);
            f.push(gsize, nextEip);
            cpu.gpr[Cpu.ESP] = f.esp(cpu.gpr[Cpu.ESP]);
            enterCode(target, code, cpu.cpl, entry, true);
        }
    }

    /** RETF imm16. */
    public void returnFar(boolean op32, int release) {
        int size = op32 ? 4 : 2;
        int eip = cpu.peek(size, 0);
        int selector = cpu.peek(size, size) & 0xffff;
        if (!op32) {
            eip &= 0xffff;
        }
        if (cpu.realSegments()) { // real mode, and virtual-8086 mode (SDM Vol. 2B, RET)
            descriptors.loadReal(Cpu.CS, selector);
            cpu.setSp(cpu.sp() + 2 * size + release);
            cpu.eip = eip;
            return;
        }
        int rpl = selector & 3;
        long code = returnTarget(selector);
        if (rpl == cpu.cpl) {
            checkOffset(code, eip);
            cpu.setSp(cpu.sp() + 2 * size + release);
            enterCode(selector, code, rpl, eip, true);
            return;
        }
        int esp = cpu.peek(size, 2 * size + release);
        int ssSel = cpu.peek(size, 3 * size + release) & 0xffff;
        long ss = outerStack(ssSel, rpl);
        checkOffset(code, eip);
        enterCode(selector, code, rpl, eip, true);
        loadStack(ssSel, ss, op32 ? esp : esp & 0xffff, release);
        descriptors.nullInaccessibleDataSegments();
    }

    public void interruptReturn(boolean op32) {
        int size = op32 ? 4 : 2;
        if (!cpu.protectedMode()) {
            int eip = cpu.peek(size, 0);
            int cs = cpu.peek(size, size) & 0xffff;
            int flags = cpu.peek(size, 2 * size);
            descriptors.loadReal(Cpu.CS, cs);
            cpu.setSp(cpu.sp() + 3 * size);
            cpu.eip = op32 ? eip : eip & 0xffff;
            setFlags(flags, op32, true, true);
            return;
        }
        if (cpu.v86()) {
            returnFromV86(op32);
            return;
        }
        if (cpu.flags.isSet(Flags.NT)) {
            int back = cpu.readSystem16(cpu.segBase[Cpu.TR]);
            events.tasks().switchTo(back, TaskSwitch.IRET, cpu.eip);
            return;
        }
        int eip = cpu.peek(size, 0);
        int selector = cpu.peek(size, size) & 0xffff;
        int flags = cpu.peek(size, 2 * size);
        if (!op32) {
            eip &= 0xffff;
        }
        if ((flags & Flags.VM) != 0 && op32 && cpu.cpl == 0) {
            returnToV86(eip, selector, flags);
            return;
        }
        int rpl = selector & 3;
        long code = returnTarget(selector);
        boolean privileged = cpu.cpl == 0;
        boolean ioplOk = cpu.cpl <= cpu.iopl();
        if (rpl == cpu.cpl) {
            checkOffset(code, eip);
            cpu.setSp(cpu.sp() + 3 * size);
            enterCode(selector, code, rpl, eip, true);
            setFlags(flags, op32, privileged, ioplOk);
            return;
        }
        int esp = cpu.peek(size, 3 * size);
        int ssSel = cpu.peek(size, 4 * size) & 0xffff;
        long ss = outerStack(ssSel, rpl);
        checkOffset(code, eip);
        enterCode(selector, code, rpl, eip, true);
        loadStack(ssSel, ss, op32 ? esp : esp & 0xffff, 0);
        setFlags(flags, op32, privileged, ioplOk);
        descriptors.nullInaccessibleDataSegments();
    }

    /**
     * IRET at CPL 0 with VM = 1 in the popped EFLAGS (SDM Vol. 2A, IRET, RETURN-TO-VIRTUAL-8086-MODE): the
     * 32-bit frame goes on with ESP, SS, ES, DS, FS, GS; EFLAGS is loaded whole, the segment registers as in
     * virtual-8086 mode, and the code runs at CPL 3.
     */
    private void returnToV86(int eip, int cs, int flags) {
        int esp = cpu.peek(4, 12);
        int[] sels = new int[6];
        sels[Cpu.CS] = cs;
        sels[Cpu.SS] = cpu.peek(4, 16) & 0xffff;
        sels[Cpu.ES] = cpu.peek(4, 20) & 0xffff;
        sels[Cpu.DS] = cpu.peek(4, 24) & 0xffff;
        sels[Cpu.FS] = cpu.peek(4, 28) & 0xffff;
        sels[Cpu.GS] = cpu.peek(4, 32) & 0xffff;
        if (Integer.compareUnsigned(eip, 0xffff) > 0) {
            throw CpuFault.gp(0); // beyond the new CS limit
        }
        cpu.flags.setAll(flags);
        for (int s = 0; s < 6; s++) {
            cpu.setV86Segment(s, sels[s]);
        }
        cpu.gpr[Cpu.ESP] = esp;
        cpu.setCpl(3);
        cpu.eip = eip;
    }

    /**
     * IRET in virtual-8086 mode (SDM Vol. 2A, IRET, RETURN-FROM-VIRTUAL-8086-MODE; Vol. 3B, 20.2.7): #GP(0)
     * unless IOPL = 3; then a real-mode style return that cannot change VM, IOPL, VIP or VIF.
     */
    private void returnFromV86(boolean op32) {
        if (cpu.iopl() != 3) {
            throw CpuFault.gp(0);
        }
        int size = op32 ? 4 : 2;
        int eip = cpu.peek(size, 0);
        int cs = cpu.peek(size, size) & 0xffff;
        int flags = cpu.peek(size, 2 * size);
        if (!op32) {
            eip &= 0xffff;
        } else if (Integer.compareUnsigned(eip, 0xffff) > 0) {
            throw CpuFault.gp(0);
        }
        cpu.setV86Segment(Cpu.CS, cs);
        cpu.setSp(cpu.sp() + 3 * size);
        cpu.eip = eip;
        setFlags(flags, op32, false, true);
    }

    /** POPF/IRET flag rules (SDM Vol. 2B, POPF, table "Effect of POPF/POPFD on the EFLAGS Register"). */
    public void setFlags(int value, boolean op32, boolean mayChangeIopl, boolean mayChangeIf) {
        int changeable = Flags.ARITH | Flags.TF | Flags.DF | Flags.NT | Flags.IF | Flags.IOPL;
        if (op32) {
            changeable |= Flags.AC | Flags.ID | Flags.RF;
        }
        if (!mayChangeIopl) {
            changeable &= ~Flags.IOPL;
        }
        if (!mayChangeIf) {
            changeable &= ~Flags.IF;
        }
        int old = cpu.flags.get();
        cpu.flags.setAll((old & ~changeable) | (value & changeable));
    }

    private StackFrame currentStack() {
        return new StackFrame(cpu, cpu.segBase[Cpu.SS], cpu.gpr[Cpu.ESP], cpu.stack32(), cpu.user);
    }

    private long nonNull(int selector) {
        if ((selector & 0xfffc) == 0) {
            throw CpuFault.gp(0);
        }
        return descriptors.read(selector);
    }

    private static void requirePresent(int selector, long d) {
        if (!Descriptors.present(d)) {
            throw new CpuFault(CpuFault.NP, selector & 0xfffc);
        }
    }

    private void checkCodeTarget(int selector, long d, boolean jump) {
        if ((Descriptors.type(d) & 8) == 0) {
            throw CpuFault.gp(selector & 0xfffc);
        }
        boolean conforming = (Descriptors.type(d) & 4) != 0;
        int dpl = Descriptors.dpl(d);
        if (conforming ? dpl > cpu.cpl : (selector & 3) > cpu.cpl || dpl != cpu.cpl) {
            throw CpuFault.gp(selector & 0xfffc);
        }
        requirePresent(selector, d);
    }

    private void checkGatePrivilege(int selector, long gate) {
        int dpl = Descriptors.dpl(gate);
        if (dpl < cpu.cpl || dpl < (selector & 3)) {
            throw CpuFault.gp(selector & 0xfffc);
        }
        requirePresent(selector, gate);
    }

    private static int gateOffset(long gate) {
        return ((int) gate & 0xffff) | ((int) (gate >>> 32) & 0xffff0000);
    }

    private static void checkOffset(long code, int offset) {
        if (Integer.compareUnsigned(offset, Descriptors.limit(code)) > 0) {
            throw CpuFault.gp(0);
        }
    }

    private void enterCode(int selector, long code, int cpl, int offset, boolean op32) {
        int eip = op32 ? offset : offset & 0xffff;
        checkOffset(code, eip);
        descriptors.loadCode(selector, code, cpl);
        cpu.eip = eip;
    }

    /** The code segment a far return or IRET goes back to (SDM Vol. 2B, RET, protected-mode checks). */
    private long returnTarget(int selector) {
        long code = nonNull(selector);
        int rpl = selector & 3;
        if (rpl < cpu.cpl || !Descriptors.codeOrData(code) || (Descriptors.type(code) & 8) == 0) {
            throw CpuFault.gp(selector & 0xfffc);
        }
        boolean conforming = (Descriptors.type(code) & 4) != 0;
        if (conforming ? Descriptors.dpl(code) > rpl : Descriptors.dpl(code) != rpl) {
            throw CpuFault.gp(selector & 0xfffc);
        }
        requirePresent(selector, code);
        return code;
    }

    private long outerStack(int selector, int rpl) {
        long ss = nonNull(selector);
        if ((selector & 3) != rpl || Descriptors.dpl(ss) != rpl || !Descriptors.codeOrData(ss)
                || (Descriptors.type(ss) & 0xa) != 2) {
            throw CpuFault.gp(selector & 0xfffc);
        }
        if (!Descriptors.present(ss)) {
            throw new CpuFault(CpuFault.SS, selector & 0xfffc);
        }
        return ss;
    }

    private void loadStack(int selector, long ss, int esp, int release) {
        descriptors.setAccessed(selector, ss);
        cpu.setSegment(Cpu.SS, selector, Descriptors.base(ss), Descriptors.limit(ss), Descriptors.ar(ss) | 1);
        cpu.gpr[Cpu.ESP] = esp;
        cpu.setSp(cpu.sp() + release);
    }
}
