package dev.hyperbundle.interp.core;

import dev.hyperbundle.cpu.Segment;

/**
 * Hardware task switching to a 32-bit TSS (SDM Vol. 3A, 9.3), as used by Linux for the double-fault
 * task gate. 16-bit TSSs are not supported (#TS).
 */
final class TaskSwitch {
    static final int JMP = 0, CALL = 1, IRET = 2;

    private final Cpu cpu;
    private final Descriptors descriptors;

    TaskSwitch(Cpu cpu, Descriptors descriptors) {
        this.cpu = cpu;
        this.descriptors = descriptors;
    }

    void switchTo(int selector, int kind, int returnEip) {
        if ((selector & 4) != 0) {
            throw new CpuFault(CpuFault.GP, selector & 0xfffc);
        }
        long d = descriptors.read(selector);
        int type = Descriptors.type(d);
        boolean wantBusy = kind == IRET;
        if (Descriptors.codeOrData(d) || (type != 9 && type != 0xb) || ((type & 2) != 0) != wantBusy) {
            throw new CpuFault(kind == IRET ? CpuFault.TS : CpuFault.GP, selector & 0xfffc);
        }
        if (!Descriptors.present(d)) {
            throw new CpuFault(CpuFault.NP, selector & 0xfffc);
        }
        int newBase = Descriptors.base(d);
        if (Integer.compareUnsigned(Descriptors.limit(d), 0x67) < 0) {
            throw new CpuFault(CpuFault.TS, selector & 0xfffc);
        }
        // Save the outgoing task's dynamic state (SDM Vol. 3A, 9.2.1).
        int old = cpu.segBase[Cpu.TR];
        int flags = cpu.flags.get();
        if (kind == IRET) {
            flags &= ~Flags.NT;
        }
        cpu.writeSystem32(old + 0x20, returnEip);
        cpu.writeSystem32(old + 0x24, flags);
        for (int r = 0; r < 8; r++) {
            cpu.writeSystem32(old + 0x28 + r * 4, cpu.gpr[r]);
        }
        for (int s = 0; s < 6; s++) {
            cpu.writeSystem16(old + 0x48 + s * 4, cpu.segSel[s]);
        }
        int oldSelector = cpu.segSel[Cpu.TR];
        if (kind != CALL) {
            long od = descriptors.read(oldSelector);
            cpu.writeSystem8(descriptors.address(oldSelector) + 5, (int) (od >>> 40) & ~2);
        }
        if (kind == CALL) {
            cpu.writeSystem16(newBase, oldSelector);
        }
        if (kind != IRET) {
            cpu.writeSystem8(descriptors.address(selector) + 5, (int) (d >>> 40) | 2);
        }
        // Load the incoming task.
        cpu.setSegment(Cpu.TR, selector, newBase, Descriptors.limit(d), Descriptors.ar(d) | 2);
        int cr3 = cpu.readSystem32(newBase + 0x1c);
        int eip = cpu.readSystem32(newBase + 0x20);
        int newFlags = cpu.readSystem32(newBase + 0x24);
        int[] regs = new int[8];
        for (int r = 0; r < 8; r++) {
            regs[r] = cpu.readSystem32(newBase + 0x28 + r * 4);
        }
        int[] sels = new int[6];
        for (int s = 0; s < 6; s++) {
            sels[s] = cpu.readSystem16(newBase + 0x48 + s * 4);
        }
        int ldt = cpu.readSystem16(newBase + 0x60);
        if ((cpu.cr0 & Cpu.CR0_PG) != 0) {
            cpu.setControlRegisters(cpu.cr0, cr3, cpu.cr4);
            cpu.mmu.flushNonGlobal();
        }
        if (kind == CALL) {
            newFlags |= Flags.NT;
        }
        cpu.flags.setAll(newFlags);
        System.arraycopy(regs, 0, cpu.gpr, 0, 8);
        cpu.eip = eip;
        cpu.cr0 |= Cpu.CR0_TS;
        loadLdt(ldt);
        if ((newFlags & Flags.VM) != 0) {
            // A virtual-8086 task: its segment registers are loaded as in virtual-8086 mode, at CPL 3 (SDM Vol. 3B, 20.2.5)
            for (int s = 0; s < 6; s++) {
                cpu.setV86Segment(s, sels[s]);
            }
            cpu.setCpl(3);
            return;
        }
        int cpl = sels[Cpu.CS] & 3;
        long code = descriptors.read(sels[Cpu.CS]);
        if (!Descriptors.codeOrData(code) || (Descriptors.type(code) & 8) == 0 || !Descriptors.present(code)) {
            throw new CpuFault(CpuFault.TS, sels[Cpu.CS] & 0xfffc);
        }
        descriptors.loadCode(sels[Cpu.CS], code, cpl);
        for (int s : new int[] {Cpu.SS, Cpu.ES, Cpu.DS, Cpu.FS, Cpu.GS}) {
            try {
                descriptors.loadDataSegment(s, sels[s]);
            } catch (CpuFault f) {
                throw new CpuFault(CpuFault.TS, sels[s] & 0xfffc);
            }
        }
    }

    private void loadLdt(int selector) {
        if ((selector & 0xfffc) == 0) {
            cpu.setSegment(Cpu.LDTR, selector, 0, 0, Segment.UNUSABLE);
            return;
        }
        long d = descriptors.read(selector & ~4);
        if (Descriptors.codeOrData(d) || Descriptors.type(d) != 2) {
            throw new CpuFault(CpuFault.TS, selector & 0xfffc);
        }
        cpu.setSegment(Cpu.LDTR, selector, Descriptors.base(d), Descriptors.limit(d), Descriptors.ar(d));
    }
}
