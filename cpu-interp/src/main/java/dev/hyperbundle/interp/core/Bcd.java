package dev.hyperbundle.interp.core;

/** Decimal adjust instructions, following the Operation sections of SDM Vol. 2A (AAA, AAD, AAM, AAS, DAA, DAS). */
final class Bcd {
    private Bcd() {
    }

    static void daa(Cpu cpu) {
        Flags f = cpu.flags;
        int al = cpu.reg8(0);
        boolean cf = f.cf();
        boolean af = f.af();
        int oldAl = al;
        boolean newCf = false;
        if ((al & 0xf) > 9 || af) {
            al += 6;
            newCf = cf || al > 0xff;
            af = true;
        } else {
            af = false;
        }
        if (oldAl > 0x99 || cf) {
            al += 0x60;
            newCf = true;
        }
        al &= 0xff;
        cpu.setReg8(0, al);
        f.setResultFlags(1, al, newCf, false, af);
    }

    static void das(Cpu cpu) {
        Flags f = cpu.flags;
        int al = cpu.reg8(0);
        boolean cf = f.cf();
        boolean af = f.af();
        int oldAl = al;
        boolean newCf = false;
        if ((al & 0xf) > 9 || af) {
            newCf = cf || al < 6;
            al -= 6;
            af = true;
        } else {
            af = false;
        }
        if (oldAl > 0x99 || cf) {
            al -= 0x60;
            newCf = true;
        }
        al &= 0xff;
        cpu.setReg8(0, al);
        f.setResultFlags(1, al, newCf, false, af);
    }

    static void aaa(Cpu cpu) {
        adjustAscii(cpu, true);
    }

    static void aas(Cpu cpu) {
        adjustAscii(cpu, false);
    }

    private static void adjustAscii(Cpu cpu, boolean add) {
        Flags f = cpu.flags;
        int ax = cpu.gpr[0] & 0xffff;
        boolean adjust = (ax & 0xf) > 9 || f.af();
        if (adjust) {
            ax = add ? ax + 0x106 : ax - 6 - 0x100; // AX += 0x106 / AX -= 6, AH -= 1 (P6 adjusts AX as a word)
        }
        ax = (ax & 0xff0f);
        cpu.setReg(2, 0, ax);
        f.setResultFlags(1, ax, adjust, false, adjust);
    }

    static void aam(Cpu cpu, int base) {
        if (base == 0) {
            throw new CpuFault(CpuFault.DE);
        }
        int al = cpu.reg8(0);
        int r = (al / base) << 8 | (al % base);
        cpu.setReg(2, 0, r);
        cpu.flags.setResultFlags(1, r, false, false, false);
    }

    static void aad(Cpu cpu, int base) {
        int al = (cpu.reg8(0) + cpu.reg8(4) * base) & 0xff;
        cpu.setReg(2, 0, al);
        cpu.flags.setResultFlags(1, al, false, false, false);
    }
}
