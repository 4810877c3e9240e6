package dev.hyperbundle.interp.backend;

import dev.hyperbundle.cpu.Segment;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.interp.core.Cpu;

/** Copies between the interpreter's working state and the kernel's {@link X86CpuState} value. */
final class CpuStateMapper {
    private CpuStateMapper() {
    }

    static void save(Cpu cpu, long tsc, X86CpuState s) {
        System.arraycopy(cpu.gpr, 0, s.gpr, 0, 8);
        s.eip = cpu.eip;
        s.eflags = cpu.flags.get();
        for (int i = 0; i < 6; i++) {
            saveSegment(cpu, i, s.seg[i]);
        }
        saveSegment(cpu, Cpu.LDTR, s.ldtr);
        saveSegment(cpu, Cpu.TR, s.tr);
        s.gdtBase = cpu.gdtBase;
        s.gdtLimit = cpu.gdtLimit;
        s.idtBase = cpu.idtBase;
        s.idtLimit = cpu.idtLimit;
        s.cr0 = cpu.cr0;
        s.cr2 = cpu.mmu.cr2;
        s.cr3 = cpu.cr3;
        s.cr4 = cpu.cr4;
        System.arraycopy(cpu.dr, 0, s.dr, 0, 8);
        s.tsc = tsc;
        s.sysenterCs = cpu.sysenterCs;
        s.sysenterEsp = cpu.sysenterEsp;
        s.sysenterEip = cpu.sysenterEip;
        s.pendingVector = -1;
        s.pendingIsException = false;
        s.pendingHasErrorCode = false;
        s.pendingErrorCode = 0;
        s.interruptShadow = cpu.interruptShadow;
        s.nmiBlocked = cpu.nmiBlocked;
        s.halted = cpu.halted;
    }

    private static void saveSegment(Cpu cpu, int i, Segment into) {
        into.selector = cpu.segSel[i];
        into.base = cpu.segBase[i];
        into.limit = cpu.segLimit[i];
        into.access = cpu.segAr[i];
    }

    /** Loads everything but the TSC and the FPU. */
    static void load(Cpu cpu, X86CpuState s) {
        System.arraycopy(s.gpr, 0, cpu.gpr, 0, 8);
        cpu.eip = s.eip;
        cpu.flags.setAll(s.eflags);
        for (int i = 0; i < 6; i++) {
            loadSegment(cpu, i, s.seg[i]);
        }
        loadSegment(cpu, Cpu.LDTR, s.ldtr);
        loadSegment(cpu, Cpu.TR, s.tr);
        cpu.gdtBase = s.gdtBase;
        cpu.gdtLimit = s.gdtLimit;
        cpu.idtBase = s.idtBase;
        cpu.idtLimit = s.idtLimit;
        cpu.mmu.flushAll();
        cpu.setControlRegisters(s.cr0, s.cr3, s.cr4);
        cpu.mmu.cr2 = s.cr2;
        System.arraycopy(s.dr, 0, cpu.dr, 0, 8);
        cpu.sysenterCs = s.sysenterCs;
        cpu.sysenterEsp = s.sysenterEsp;
        cpu.sysenterEip = s.sysenterEip;
        cpu.interruptShadow = s.interruptShadow;
        cpu.nmiBlocked = s.nmiBlocked;
        cpu.halted = s.halted;
        if (cpu.protectedMode() && cpu.v86()) {
            // Virtual-8086 mode: CPL 3 and segment caches as the mode defines them, whatever the saver put in
            // its attributes (SDM Vol. 3B, 20.2.1; VM entry requires exactly these, Vol. 3C, 26.3.1.2).
            for (int i = 0; i < 6; i++) {
                cpu.setV86Segment(i, s.seg[i].selector);
            }
            cpu.setCpl(3);
            return;
        }
        // CPL is the DPL of SS in the VMX layout (SDM Vol. 3C, 25.4.1); real mode runs at 0.
        cpu.setCpl(cpu.protectedMode() ? (s.seg[Cpu.SS].access >>> Segment.DPL_SHIFT) & 3 : 0);
    }

    private static void loadSegment(Cpu cpu, int i, Segment from) {
        cpu.setSegment(i, from.selector, from.base, from.limit, from.access);
    }
}
