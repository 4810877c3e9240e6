package dev.hyperbundle.interp.core;

import dev.hyperbundle.cpu.Segment;

/**
 * Segment descriptors in the GDT and LDT (SDM Vol. 3A, 3.4.5): locating, reading and decoding them,
 * and the checked segment-register loads of protected mode (SDM Vol. 2B, MOV / POP: "Loading a
 * segment register in protected mode").
 */
public final class Descriptors {
    private final Cpu cpu;

    public Descriptors(Cpu cpu) {
        this.cpu = cpu;
    }

    /** Linear address of the descriptor for selector, or #GP(selector) (vector/err chosen by caller) when outside its table. */
    public int address(int selector) {
        int index = selector & 0xfff8;
        int base;
        int limit;
        if ((selector & 4) != 0) {
            if ((cpu.segAr[Cpu.LDTR] & Segment.UNUSABLE) != 0 || (cpu.segSel[Cpu.LDTR] & 0xfffc) == 0) {
                throw CpuFault.gp(selector & 0xfffc);
            }
            base = cpu.segBase[Cpu.LDTR];
            limit = cpu.segLimit[Cpu.LDTR];
        } else {
            base = cpu.gdtBase;
            limit = cpu.gdtLimit;
        }
        if (Integer.compareUnsigned(index + 7, limit) > 0) {
            throw CpuFault.gp(selector & 0xfffc);
        }
        return base + index;
    }

    /** The 8 descriptor bytes: low dword in bits 31:0, high dword in 63:32. */
    public long read(int selector) {
        int a = address(selector);
        return Integer.toUnsignedLong(cpu.readSystem32(a)) | (long) cpu.readSystem32(a + 4) << 32;
    }

    public static int base(long d) {
        int lo = (int) d;
        int hi = (int) (d >>> 32);
        return (lo >>> 16) | (hi & 0xff) << 16 | (hi & 0xff000000);
    }

    public static int limit(long d) {
        int hi = (int) (d >>> 32);
        int raw = ((int) d & 0xffff) | (hi & 0xf0000);
        return (hi & 0x800000) != 0 ? raw << 12 | 0xfff : raw;
    }

    /** Access rights in the VMX layout (type, S, DPL, P in 7:0; AVL, L, D/B, G in 15:12). */
    public static int ar(long d) {
        return (int) (d >>> 40) & 0xf0ff;
    }

    public static int dpl(long d) {
        return (int) (d >>> 45) & 3;
    }

    public static boolean present(long d) {
        return (d & (1L << 47)) != 0;
    }

    /** S = 1 (code or data). */
    public static boolean codeOrData(long d) {
        return (d & (1L << 44)) != 0;
    }

    public static int type(long d) {
        return (int) (d >>> 40) & 0xf;
    }

    /** Sets the accessed bit of a code/data descriptor in memory (SDM Vol. 3A, 3.4.5.1). */
    public void setAccessed(int selector, long d) {
        if ((type(d) & 1) == 0) {
            int a = address(selector) + 5;
            cpu.writeSystem8(a, (int) (d >>> 40) | 1);
        }
    }

    /** Loads ES, SS, DS, FS or GS as MOV/POP/LDS do, with every protected-mode check. */
    public void loadDataSegment(int s, int selector) {
        selector &= 0xffff;
        if (cpu.realSegments()) {
            loadReal(s, selector);
            return;
        }
        if ((selector & 0xfffc) == 0) {
            if (s == Cpu.SS) {
                throw CpuFault.gp(0);
            }
            cpu.setSegment(s, selector, 0, 0, Segment.UNUSABLE);
            return;
        }
        long d = read(selector);
        int type = type(d);
        int rpl = selector & 3;
        int dpl = dpl(d);
        if (s == Cpu.SS) {
            if (rpl != cpu.cpl || !codeOrData(d) || (type & 0xa) != 2 || dpl != cpu.cpl) {
                throw CpuFault.gp(selector & 0xfffc);
            }
            if (!present(d)) {
                throw new CpuFault(CpuFault.SS, selector & 0xfffc);
            }
        } else {
            boolean readable = codeOrData(d) && ((type & 8) == 0 || (type & 2) != 0);
            boolean conformingCode = (type & 0xc) == 0xc;
            if (!readable || (!conformingCode && (dpl < cpu.cpl || dpl < rpl))) {
                throw CpuFault.gp(selector & 0xfffc);
            }
            if (!present(d)) {
                throw new CpuFault(CpuFault.NP, selector & 0xfffc);
            }
        }
        setAccessed(selector, d);
        cpu.setSegment(s, selector, base(d), limit(d), ar(d) | 1);
    }

    /**
     * Real mode: base = selector * 16; the limit and attributes stay (that is what makes "unreal mode" work).
     * In virtual-8086 mode: {@link Cpu#setV86Segment}.
     */
    public void loadReal(int s, int selector) {
        if (cpu.v86()) {
            cpu.setV86Segment(s, selector);
            return;
        }
        int ar = cpu.segAr[s] & ~Segment.UNUSABLE | Segment.P | Segment.S;
        if (s == Cpu.CS) {
            ar = (ar & ~0xf) | 0xb;
        } else if ((ar & 8) != 0) {
            ar = (ar & ~0xf) | 3;
        }
        cpu.setSegment(s, selector, selector << 4, cpu.segLimit[s], ar);
    }

    /** Installs a code segment descriptor as CS at privilege level cpl. */
    public void loadCode(int selector, long d, int cpl) {
        setAccessed(selector, d);
        cpu.setSegment(Cpu.CS, (selector & 0xfffc) | cpl, base(d), limit(d), ar(d) | 1);
        cpu.setCpl(cpl);
    }

    /**
     * After a return or interrupt return to an outer level: data segment registers the new CPL may not
     * use are nulled (SDM Vol. 2A, RET, "RETURN-TO-OUTER-PRIVILEGE-LEVEL").
     */
    public void nullInaccessibleDataSegments() {
        for (int s : new int[] {Cpu.ES, Cpu.DS, Cpu.FS, Cpu.GS}) {
            int ar = cpu.segAr[s];
            if ((ar & Segment.UNUSABLE) != 0) {
                continue;
            }
            boolean dataOrNonConforming = (ar & 8) == 0 || (ar & 4) == 0;
            int dpl = (ar >>> Segment.DPL_SHIFT) & 3;
            if (dataOrNonConforming && dpl < cpu.cpl) {
                cpu.setSegment(s, 0, 0, 0, Segment.UNUSABLE);
            }
        }
    }
}
