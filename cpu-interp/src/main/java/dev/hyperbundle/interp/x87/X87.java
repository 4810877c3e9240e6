package dev.hyperbundle.interp.x87;

import static dev.hyperbundle.interp.x87.Arith.DE;
import static dev.hyperbundle.interp.x87.Arith.EQ;
import static dev.hyperbundle.interp.x87.Arith.GT;
import static dev.hyperbundle.interp.x87.Arith.IE;
import static dev.hyperbundle.interp.x87.Arith.INDEF_MAN;
import static dev.hyperbundle.interp.x87.Arith.INDEF_SE;
import static dev.hyperbundle.interp.x87.Arith.INT_BIT;
import static dev.hyperbundle.interp.x87.Arith.LT;
import static dev.hyperbundle.interp.x87.Arith.QUIET_BIT;
import static dev.hyperbundle.interp.x87.Arith.ZE;

import dev.hyperbundle.cpu.FpuState;

/**
 * The x87 FPU of a Pentium Pro: register stack, control/status/tag words, instruction and operand pointers, and
 * the decoder/dispatcher for the escape opcodes D8-DF (SDM Vol. 1 chapter 8, Vol. 2 instruction pages, opcode
 * map Vol. 2 A.4). Arithmetic is in {@link Arith}, memory formats in {@link Formats}, save images in
 * {@link EnvImage}, transcendentals in {@link Transcendental}.
 *
 * <p>Registers are kept in physical order R0-R7 as two primitive arrays plus an empty mask; the full tag word
 * (valid/zero/special) is derived from the contents when it is stored, which is what FNSTENV/FNSAVE report on
 * real processors (SDM Vol. 1 8.1.7). Unmasked exceptions follow SDM Vol. 1 8.5: an invalid-operation,
 * denormal or zero-divide exception leaves the destination (and the stack pointer) unchanged; overflow and
 * underflow store a bias-adjusted result in a register destination and nothing in a memory destination.
 */
public final class X87 {
    static final int C0 = 0x0100, C1 = 0x0200, C2 = 0x0400, C3 = 0x4000;
    static final int SF = 0x0040, ES = 0x0080, B = 0x8000;
    static final int CC = C0 | C1 | C2 | C3;

    // EFLAGS bits written by FCOMI and read by FCMOVcc
    private static final int CF = 0x001, PF = 0x004, AF = 0x010, ZF = 0x040, SFLAG = 0x080, OF = 0x800;

    final long[] man = new long[8];
    final int[] se = new int[8];
    /** Bit i set: physical register Ri is empty (tag 11). */
    int empty = 0xFF;
    int top;
    int fcw = 0x037F;
    /** Status word without the TOP field. */
    int sw;
    int fop, fip, fcs, fdp, fds;

    private final Arith a = new Arith();
    private final Formats f = new Formats(a);
    private final Transcendental t = new Transcendental(a, f);
    private final EnvImage env = new EnvImage(this);

    /** State after FNINIT. */
    public X87() {
        reset();
    }

    /** FNINIT (SDM Vol. 2A FINIT): control 037F, status 0, all tags empty, pointers 0; register bits stay. */
    public void reset() {
        fcw = 0x037F;
        sw = 0;
        top = 0;
        empty = 0xFF;
        fop = fip = fcs = fdp = fds = 0;
    }

    public boolean errorPending() {
        return (sw & ES) != 0;
    }

    /**
     * True when this is a waiting instruction and an unmasked exception is pending (FSW.ES): the core reports it
     * instead, by #MF (CR0.NE = 1) or FERR# and a freeze (CR0.NE = 0). The non-waiting ones are FNINIT, FNCLEX,
     * FNSTSW, FNSTCW, FNSTENV, FNSAVE (SDM Vol. 1 8.3.12).
     */
    public boolean mustRaiseBefore(int opcode, int modrm) {
        if ((sw & ES) == 0) {
            return false;
        }
        return !isNonWaiting(opcode, modrm);
    }

    private static boolean isNonWaiting(int opcode, int modrm) {
        int reg = (modrm >>> 3) & 7;
        if (modrm < 0xC0) {
            return (opcode == 0xD9 && reg >= 6) || (opcode == 0xDD && reg >= 6);
        }
        return (opcode == 0xDB && (modrm == 0xE2 || modrm == 0xE3)) || (opcode == 0xDF && modrm == 0xE0);
    }

    /** Control instructions do not update FIP/FCS/FOP/FDP/FDS (SDM Vol. 1 8.1.8). */
    private static boolean isControl(int opcode, int modrm) {
        int reg = (modrm >>> 3) & 7;
        if (modrm < 0xC0) {
            return (opcode == 0xD9 && reg >= 4) || (opcode == 0xDD && (reg == 4 || reg >= 6));
        }
        return (opcode == 0xDB && (modrm == 0xE2 || modrm == 0xE3)) || (opcode == 0xDF && modrm == 0xE0);
    }

    /** Status word with TOP in bits 13:11. */
    int status() {
        return (sw & ~0x3800) | (top << 11);
    }

    void setStatus(int v) {
        sw = v & ~0x3800;
        top = (v >>> 11) & 7;
    }

    /** FCW bit 6 reads as 1, bits 7 and 13-15 as 0 (SDM Vol. 1 figure 8-6). */
    void setControl(int v) {
        fcw = (v & 0x1F3F) | 0x0040;
    }

    /** ES and B summarize the unmasked exception flags (SDM Vol. 1 8.1.3.2), e.g. after FLDCW or FLDENV. */
    void updateSummary() {
        if ((sw & ~fcw & 0x3F) != 0) {
            sw |= ES | B;
        } else {
            sw &= ~(ES | B);
        }
    }

    /** Two-bit tag of physical register p computed from its contents (SDM Vol. 1 8.1.7). */
    int tagOf(int p) {
        if (((empty >>> p) & 1) != 0) {
            return 3;
        }
        int e = se[p] & 0x7FFF;
        long m = man[p];
        if (e == 0x7FFF) {
            return 2;
        }
        if (e == 0) {
            return m == 0 ? 1 : 2;
        }
        return m < 0 ? 0 : 2;
    }

    int fullTag() {
        int tw = 0;
        for (int p = 0; p < 8; p++) {
            tw |= tagOf(p) << (2 * p);
        }
        return tw;
    }

    void setTagWord(int tw) {
        int e = 0;
        for (int p = 0; p < 8; p++) {
            if (((tw >>> (2 * p)) & 3) == 3) {
                e |= 1 << p;
            }
        }
        empty = e;
    }

    // ---------------------------------------------------------------- stack helpers

    private int st(int i) {
        return (top + i) & 7;
    }

    private boolean isEmpty(int p) {
        return ((empty >>> p) & 1) != 0;
    }

    private void set(int p, int s, long m) {
        se[p] = s;
        man[p] = m;
        empty &= ~(1 << p);
    }

    private void pop() {
        empty |= 1 << top;
        top = (top + 1) & 7;
    }

    private void push(int s, long m) {
        top = (top - 1) & 7;
        set(top, s, m);
    }

    /** Commits the exceptions of the current instruction; C1 becomes the round-up indicator. */
    private void finish() {
        int e = a.ex;
        sw = (sw & ~C1) | (a.up ? C1 : 0) | e;
        if ((e & ~fcw & 0x3F) != 0) {
            sw |= ES | B;
        }
    }

    private boolean ieMasked() {
        return (fcw & IE) != 0;
    }

    /** Stack fault (SDM Vol. 1 8.5.1.1): IE and SF, C1 = 1 for overflow, 0 for underflow. */
    private void stackFault(boolean overflow) {
        a.ex |= IE | SF;
        a.up = overflow;
        finish();
    }

    /** Pushes a loaded value unless the stack is full (masked: the indefinite is pushed) or an exception faults. */
    private void pushChecked(int s, long m) {
        if (!isEmpty(st(7))) {
            if (ieMasked()) {
                push(INDEF_SE, INDEF_MAN);
            }
            stackFault(true);
            return;
        }
        if (!a.preFault()) {
            push(s, m);
        }
        a.up = false;
        finish();
    }

    // ---------------------------------------------------------------- execute

    /**
     * Executes one escape instruction. The core has already raised #NM (CR0.EM/TS) and #MF (see
     * {@link #mustRaiseBefore}) and computed ea.
     *
     * @return false for an invalid encoding (the core raises #UD)
     */
    public boolean execute(X87Bus bus, int opcode, int modrm, int ea, boolean op32, boolean realMode, int cs,
            int eip, int dsSel) {
        a.begin(fcw);
        boolean ok = modrm < 0xC0
                ? memory(bus, opcode, (modrm >>> 3) & 7, ea, op32, realMode)
                : register(bus, opcode, modrm);
        if (ok && !isControl(opcode, modrm)) {
            fop = ((opcode & 7) << 8) | (modrm & 0xFF);
            fip = eip;
            fcs = cs & 0xFFFF;
            if (modrm < 0xC0) {
                fdp = ea;
                fds = dsSel & 0xFFFF;
            }
        }
        return ok;
    }

    private boolean memory(X87Bus bus, int opcode, int reg, int ea, boolean op32, boolean realMode) {
        switch (opcode) {
            case 0xD8:
                f.fromFloat(bus.read32(ea));
                arithMem(reg);
                return true;
            case 0xDC:
                f.fromDouble(bus.read64(ea));
                arithMem(reg);
                return true;
            case 0xDA:
                f.fromInt(bus.read32(ea));
                arithMem(reg);
                return true;
            case 0xDE:
                f.fromInt((short) bus.read16(ea));
                arithMem(reg);
                return true;
            case 0xD9:
                switch (reg) {
                    case 0:
                        f.fromFloat(bus.read32(ea));
                        loadReal();
                        return true;
                    case 2:
                    case 3:
                        storeReal(bus, ea, 32, reg == 3);
                        return true;
                    case 4:
                        env.loadEnv(bus, ea, op32, realMode);
                        return true;
                    case 5:
                        setControl(bus.read16(ea));
                        updateSummary();
                        return true;
                    case 6:
                        env.storeEnv(bus, ea, op32, realMode);
                        fcw |= 0x3F; // FNSTENV masks all exceptions after storing (SDM Vol. 2A FSTENV)
                        return true;
                    case 7:
                        bus.write16(ea, fcw);
                        return true;
                    default:
                        return false;
                }
            case 0xDB:
                switch (reg) {
                    case 0:
                        f.fromInt(bus.read32(ea));
                        pushChecked(a.rSe, a.rMan);
                        return true;
                    case 2:
                    case 3:
                        storeInt(bus, ea, 32, reg == 3);
                        return true;
                    case 5: {
                        long m = bus.read64(ea);
                        int s = bus.read16(ea + 8) & 0xFFFF;
                        pushChecked(s, m); // no conversion: no exceptions but stack overflow (SDM FLD)
                        return true;
                    }
                    case 7:
                        storeReal(bus, ea, 80, true);
                        return true;
                    default:
                        return false; // /1 FISTTP is SSE3, /4 and /6 reserved
                }
            case 0xDD:
                switch (reg) {
                    case 0:
                        f.fromDouble(bus.read64(ea));
                        loadReal();
                        return true;
                    case 2:
                    case 3:
                        storeReal(bus, ea, 64, reg == 3);
                        return true;
                    case 4:
                        env.restore(bus, ea, op32, realMode);
                        return true;
                    case 6:
                        env.save(bus, ea, op32, realMode);
                        reset();
                        return true;
                    case 7:
                        bus.write16(ea, status());
                        return true;
                    default:
                        return false;
                }
            case 0xDF:
                switch (reg) {
                    case 0:
                        f.fromInt((short) bus.read16(ea));
                        pushChecked(a.rSe, a.rMan);
                        return true;
                    case 2:
                    case 3:
                        storeInt(bus, ea, 16, reg == 3);
                        return true;
                    case 4: {
                        long lo = bus.read64(ea);
                        int hi = bus.read16(ea + 8);
                        f.fromBcd(lo, hi);
                        pushChecked(a.rSe, a.rMan);
                        return true;
                    }
                    case 5:
                        f.fromInt(bus.read64(ea));
                        pushChecked(a.rSe, a.rMan);
                        return true;
                    case 6:
                        storeBcd(bus, ea);
                        return true;
                    case 7:
                        storeInt(bus, ea, 64, true);
                        return true;
                    default:
                        return false;
                }
            default:
                return false;
        }
    }

    /** FLD m32/m64: an SNaN source is invalid and loads as QNaN; a denormal source raises DE. */
    private void loadReal() {
        int s = a.rSe;
        long m = a.rMan;
        if (Arith.cls(s, m) == Arith.SNAN) {
            a.ex |= IE;
            m |= QUIET_BIT;
        }
        pushChecked(s, m);
    }

    /** Memory-operand arithmetic and compares; the operand is in a.rSe/a.rMan. */
    private void arithMem(int reg) {
        int sB = a.rSe;
        long mB = a.rMan;
        int p = top;
        if (isEmpty(p)) {
            underflowForOp(reg, p, false);
            return;
        }
        if (reg == 2 || reg == 3) {
            compareST0(sB, mB, false, reg == 3 ? 1 : 0);
            return;
        }
        arith(reg, p, se[p], man[p], sB, mB, false);
    }

    /** Stack underflow of an arithmetic (dest gets the indefinite) or compare (unordered) operation. */
    private void underflowForOp(int reg, int dest, boolean popAfter) {
        if (ieMasked()) {
            if (reg == 2 || reg == 3) {
                sw = (sw & ~CC) | C3 | C2 | C0;
                if (reg == 3) {
                    pop();
                }
            } else {
                set(dest, INDEF_SE, INDEF_MAN);
                if (popAfter) {
                    pop();
                }
            }
        }
        stackFault(false);
    }

    /** dest = a op b with op as the reg field of D8: 0 add, 1 mul, 4 a-b, 5 b-a, 6 a/b, 7 b/a. */
    private void arith(int op, int dest, int sA, long mA, int sB, long mB, boolean popAfter) {
        switch (op) {
            case 0:
                a.add(sA, mA, sB, mB, false);
                break;
            case 1:
                a.mul(sA, mA, sB, mB);
                break;
            case 4:
                a.add(sA, mA, sB, mB, true);
                break;
            case 5:
                a.add(sB, mB, sA, mA, true);
                break;
            case 6:
                a.div(sA, mA, sB, mB);
                break;
            default:
                a.div(sB, mB, sA, mA);
                break;
        }
        if (!a.preFault()) {
            set(dest, a.rSe, a.rMan);
            if (popAfter) {
                pop();
            }
        }
        finish();
    }

    /** FCOM/FUCOM family: compare ST0 with an operand, set C3/C2/C0, then pop {@code pops} times. */
    private void compareST0(int sB, long mB, boolean quiet, int pops) {
        int p = top;
        int r = a.compare(se[p], man[p], sB, mB, quiet);
        if (a.preFault()) {
            finish(); // unmasked: condition codes not set, no pop (SDM FCOM)
            return;
        }
        sw = (sw & ~CC) | ccOf(r);
        finish();
        for (int i = 0; i < pops; i++) {
            pop();
        }
    }

    private static int ccOf(int r) {
        switch (r) {
            case GT:
                return 0;
            case LT:
                return C0;
            case EQ:
                return C3;
            default:
                return C3 | C2 | C0;
        }
    }

    /** FST/FSTP m32/m64/m80. */
    private void storeReal(X87Bus bus, int ea, int bits, boolean popAfter) {
        int p = top;
        if (isEmpty(p)) {
            if (ieMasked()) {
                writeReal(bus, ea, bits, bits == 32 ? Formats.FLOAT_INDEFINITE : Formats.DOUBLE_INDEFINITE,
                        INDEF_SE, INDEF_MAN);
                if (popAfter) {
                    pop();
                }
            }
            stackFault(false);
            return;
        }
        long v = 0;
        if (bits == 32) {
            v = f.toFloat(se[p], man[p]);
        } else if (bits == 64) {
            v = f.toDouble(se[p], man[p]);
        }
        if (a.noStore || (a.ex & ~fcw & IE) != 0) {
            finish(); // unmasked: memory and stack unchanged
            return;
        }
        writeReal(bus, ea, bits, v, se[p], man[p]);
        finish();
        if (popAfter) {
            pop();
        }
    }

    private static void writeReal(X87Bus bus, int ea, int bits, long v, int s, long m) {
        if (bits == 32) {
            bus.write32(ea, (int) v);
        } else if (bits == 64) {
            bus.write64(ea, v);
        } else {
            bus.write64(ea, m);
            bus.write16(ea + 8, s);
        }
    }

    /** FIST/FISTP m16/m32/m64. */
    private void storeInt(X87Bus bus, int ea, int bits, boolean popAfter) {
        int p = top;
        long v;
        if (isEmpty(p)) {
            if (!ieMasked()) {
                stackFault(false);
                return;
            }
            a.ex |= IE | SF;
            v = -1L << (bits - 1);
        } else {
            v = f.toInt(se[p], man[p], bits);
            if ((a.ex & ~fcw & IE) != 0) {
                finish();
                return;
            }
        }
        if (bits == 16) {
            bus.write16(ea, (int) v);
        } else if (bits == 32) {
            bus.write32(ea, (int) v);
        } else {
            bus.write64(ea, v);
        }
        finish();
        if (popAfter) {
            pop();
        }
    }

    private void storeBcd(X87Bus bus, int ea) {
        int p = top;
        long lo;
        int hi;
        if (isEmpty(p)) {
            if (!ieMasked()) {
                stackFault(false);
                return;
            }
            a.ex |= IE | SF;
            lo = Formats.BCD_INDEFINITE_LO;
            hi = Formats.BCD_INDEFINITE_HI;
        } else {
            lo = f.toBcd(se[p], man[p]);
            hi = f.bcdHi;
            if ((a.ex & ~fcw & IE) != 0) {
                finish();
                return;
            }
        }
        bus.write64(ea, lo);
        bus.write16(ea + 8, hi);
        finish();
        pop();
    }

    // ---------------------------------------------------------------- register forms

    private boolean register(X87Bus bus, int opcode, int modrm) {
        int reg = (modrm >>> 3) & 7;
        int i = modrm & 7;
        switch (opcode) {
            case 0xD8:
                if (reg == 2 || reg == 3) {
                    compareReg(i, false, reg == 3 ? 1 : 0);
                } else {
                    arithReg(reg, 0, i, false);
                }
                return true;
            case 0xDC:
                if (reg == 2 || reg == 3) { // DC D0/D8: aliases of FCOM/FCOMP (reserved encodings, SDM A.4)
                    compareReg(i, false, reg == 3 ? 1 : 0);
                } else {
                    arithReg(reg, i, 0, false);
                }
                return true;
            case 0xDE:
                if (reg == 3) {
                    if (i != 1) {
                        return false;
                    }
                    compareReg(1, false, 2); // FCOMPP
                } else if (reg == 2) {
                    compareReg(i, false, 1); // DE D0+i: alias of FCOMP
                } else {
                    arithReg(reg, i, 0, true);
                }
                return true;
            case 0xD9:
                return d9(modrm, reg, i);
            case 0xDA:
                if (reg < 4) {
                    fcmov(bus, reg, i, false);
                    return true;
                }
                if (modrm == 0xE9) {
                    compareReg(1, true, 2); // FUCOMPP
                    return true;
                }
                return false;
            case 0xDB:
                if (reg < 4) {
                    fcmov(bus, reg, i, true);
                    return true;
                }
                if (reg == 5 || reg == 6) {
                    comi(bus, i, reg == 5, false);
                    return true;
                }
                switch (modrm) {
                    case 0xE0: // FENI, FDISI, FSETPM: 8087/287 controls, no-ops since the 387
                    case 0xE1:
                    case 0xE4:
                        return true;
                    case 0xE2:
                        sw &= ~(0x3F | SF | ES | B); // FNCLEX
                        return true;
                    case 0xE3:
                        reset();
                        return true;
                    default:
                        return false;
                }
            case 0xDD:
                switch (reg) {
                    case 0: // FFREE
                        empty |= 1 << st(i);
                        return true;
                    case 1: // alias of FXCH
                        fxch(i);
                        return true;
                    case 2:
                        fstReg(i, false);
                        return true;
                    case 3:
                        fstReg(i, true);
                        return true;
                    case 4:
                        compareReg(i, true, 0);
                        return true;
                    case 5:
                        compareReg(i, true, 1);
                        return true;
                    default:
                        return false;
                }
            case 0xDF:
                switch (reg) {
                    case 0: // FFREEP: free ST(i) and pop (undocumented, executed by P6 processors)
                        empty |= 1 << st(i);
                        pop();
                        return true;
                    case 1:
                        fxch(i);
                        return true;
                    case 2:
                    case 3:
                        fstReg(i, true); // aliases of FSTP ST(i)
                        return true;
                    case 4:
                        if (modrm != 0xE0) {
                            return false;
                        }
                        bus.setAx(status());
                        return true;
                    case 5:
                        comi(bus, i, true, true);
                        return true;
                    case 6:
                        comi(bus, i, false, true);
                        return true;
                    default:
                        return false;
                }
            default:
                return false;
        }
    }

    /** Register arithmetic dest = ST(d) op ST(s); for the DC/DE forms (d = i, s = 0) SUB/SUBR, DIV/DIVR swap. */
    private void arithReg(int reg, int d, int s, boolean popAfter) {
        int pd = st(d), ps = st(s);
        int op = reg;
        if (d != 0 && reg >= 4) {
            op = reg ^ 1; // DC E0+i is FSUBR ST(i),ST(0) = ST0 - STi, i.e. "b - a" with a = ST(i)
        }
        if (isEmpty(pd) || isEmpty(ps)) {
            underflowForOp(reg, pd, popAfter);
            return;
        }
        arith(op, pd, se[pd], man[pd], se[ps], man[ps], popAfter);
    }

    private void compareReg(int i, boolean quiet, int pops) {
        int p0 = top, pi = st(i);
        if (isEmpty(p0) || isEmpty(pi)) {
            if (ieMasked()) {
                sw = (sw & ~CC) | C3 | C2 | C0;
                for (int k = 0; k < pops; k++) {
                    pop();
                }
            }
            stackFault(false);
            return;
        }
        compareST0(se[pi], man[pi], quiet, pops);
    }

    /** FCOMI/FUCOMI(P): result in ZF, PF, CF; OF, SF, AF cleared (SDM Vol. 2A FCOMI). */
    private void comi(X87Bus bus, int i, boolean quiet, boolean popAfter) {
        int p0 = top, pi = st(i);
        int r;
        if (isEmpty(p0) || isEmpty(pi)) {
            if (!ieMasked()) {
                stackFault(false);
                return;
            }
            r = Arith.UNORDERED;
            a.ex |= IE | SF;
        } else {
            r = a.compare(se[p0], man[p0], se[pi], man[pi], quiet);
            if (a.preFault()) {
                finish();
                return;
            }
        }
        int fl = r == GT ? 0 : r == LT ? CF : r == EQ ? ZF : (ZF | PF | CF);
        bus.setEflags((bus.eflags() & ~(CF | PF | AF | ZF | SFLAG | OF)) | fl);
        a.up = false;
        finish();
        if (popAfter) {
            pop();
        }
    }

    /** FCMOVcc (DA: B, E, BE, U; DB: the negations). */
    private void fcmov(X87Bus bus, int cond, int i, boolean negate) {
        int p0 = top, pi = st(i);
        if (isEmpty(p0) || isEmpty(pi)) {
            if (ieMasked()) {
                set(p0, INDEF_SE, INDEF_MAN);
            }
            stackFault(false);
            return;
        }
        int fl = bus.eflags();
        boolean c;
        switch (cond) {
            case 0:
                c = (fl & CF) != 0;
                break;
            case 1:
                c = (fl & ZF) != 0;
                break;
            case 2:
                c = (fl & (CF | ZF)) != 0;
                break;
            default:
                c = (fl & PF) != 0;
                break;
        }
        if (c != negate) {
            set(p0, se[pi], man[pi]);
        }
        sw &= ~C1;
    }

    private void fxch(int i) {
        int p0 = top, pi = st(i);
        if (isEmpty(p0) || isEmpty(pi)) {
            if (!ieMasked()) {
                stackFault(false);
                return;
            }
            // masked: an empty operand reads as the indefinite (SDM FXCH #IS)
            if (isEmpty(p0)) {
                set(p0, INDEF_SE, INDEF_MAN);
            }
            if (isEmpty(pi)) {
                set(pi, INDEF_SE, INDEF_MAN);
            }
            a.ex |= IE | SF;
        }
        int s = se[p0];
        long m = man[p0];
        se[p0] = se[pi];
        man[p0] = man[pi];
        se[pi] = s;
        man[pi] = m;
        a.up = false;
        finish();
    }

    /** FST/FSTP ST(i): a plain copy of the register (no exceptions but stack underflow). */
    private void fstReg(int i, boolean popAfter) {
        int p0 = top, pi = st(i);
        if (isEmpty(p0)) {
            if (ieMasked()) {
                set(pi, INDEF_SE, INDEF_MAN);
                if (popAfter) {
                    pop();
                }
            }
            stackFault(false);
            return;
        }
        set(pi, se[p0], man[p0]);
        sw &= ~C1;
        if (popAfter) {
            pop();
        }
    }

    // ---------------------------------------------------------------- D9 register forms

    private boolean d9(int modrm, int reg, int i) {
        switch (reg) {
            case 0: { // FLD ST(i)
                int pi = st(i);
                if (isEmpty(pi)) {
                    if (!isEmpty(st(7))) {
                        if (ieMasked()) {
                            push(INDEF_SE, INDEF_MAN);
                        }
                        stackFault(true);
                        return true;
                    }
                    if (ieMasked()) {
                        push(INDEF_SE, INDEF_MAN);
                    }
                    stackFault(false);
                    return true;
                }
                pushChecked(se[pi], man[pi]);
                return true;
            }
            case 1:
                fxch(i);
                return true;
            case 2:
                if (i != 0) {
                    return false;
                }
                return true; // FNOP
            case 3:
                fstReg(i, true); // D9 D8+i: alias of FSTP ST(i)
                return true;
            default:
                break;
        }
        switch (modrm) {
            case 0xE0:
            case 0xE1: {
                int p = top;
                if (isEmpty(p)) {
                    if (ieMasked()) {
                        set(p, INDEF_SE, INDEF_MAN);
                    }
                    stackFault(false);
                    return true;
                }
                se[p] = modrm == 0xE0 ? se[p] ^ 0x8000 : se[p] & 0x7FFF; // FCHS, FABS: sign only, no exceptions
                sw &= ~C1;
                return true;
            }
            case 0xE4: // FTST
                if (isEmpty(top)) {
                    underflowForOp(2, top, false);
                } else {
                    compareST0(0, 0, false, 0);
                }
                return true;
            case 0xE5:
                fxam();
                return true;
            case 0xE8:
            case 0xE9:
            case 0xEA:
            case 0xEB:
            case 0xEC:
            case 0xED:
            case 0xEE:
                loadConstant(modrm - 0xE8);
                return true;
            case 0xF0:
                unary(0);
                return true;
            case 0xF1:
                binaryPop(0);
                return true;
            case 0xF2:
                pushing(0);
                return true;
            case 0xF3:
                binaryPop(1);
                return true;
            case 0xF4:
                pushing(1);
                return true;
            case 0xF5:
                prem(true);
                return true;
            case 0xF6:
                top = (top - 1) & 7; // FDECSTP
                sw &= ~C1;
                return true;
            case 0xF7:
                top = (top + 1) & 7; // FINCSTP
                sw &= ~C1;
                return true;
            case 0xF8:
                prem(false);
                return true;
            case 0xF9:
                binaryPop(2);
                return true;
            case 0xFA:
                unary(1);
                return true;
            case 0xFB:
                pushing(2);
                return true;
            case 0xFC:
                unary(2);
                return true;
            case 0xFD:
                scale();
                return true;
            case 0xFE:
                unary(3);
                return true;
            case 0xFF:
                unary(4);
                return true;
            default:
                return false;
        }
    }

    /** FXAM (SDM Vol. 2A FXAM): C3,C2,C0 give the class, C1 the sign; no exceptions, also for an empty ST0. */
    private void fxam() {
        int p = top;
        int cc;
        if (isEmpty(p)) {
            cc = C3 | C0;
        } else {
            switch (Arith.cls(se[p], man[p])) {
                case Arith.NORMAL:
                    cc = C2;
                    break;
                case Arith.ZERO:
                    cc = C3;
                    break;
                case Arith.DENORMAL:
                    cc = C3 | C2;
                    break;
                case Arith.INF:
                    cc = C2 | C0;
                    break;
                case Arith.QNAN:
                case Arith.SNAN:
                    cc = C0;
                    break;
                default:
                    cc = 0; // unsupported
                    break;
            }
        }
        if ((se[p] & 0x8000) != 0) {
            cc |= C1;
        }
        sw = (sw & ~CC) | cc;
    }

    /** The constants of FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ, truncated to 64 bits. */
    private static final int[] CONST_SE = {0x3FFF, 0x4000, 0x3FFF, 0x4000, 0x3FFD, 0x3FFE, 0};
    private static final long[] CONST_MAN = {INT_BIT, 0xD49A784BCD1B8AFEL, 0xB8AA3B295C17F0BBL, 0xC90FDAA22168C234L,
        0x9A209A84FBCFF798L, 0xB17217F7D1CF79ABL, 0};
    /** Whether round-to-nearest increments the truncated constant (the next bit of the exact value is 1). */
    private static final boolean[] CONST_NEAREST_UP = {false, false, true, true, true, true, false};

    /**
     * FLD constants: the internal constants are wider than 64 bits and rounded by RC since the 387
     * (SDM Vol. 2A FLD1/FLDL2T/...: "rounding control applies"); all are positive, so RC up increments.
     */
    private void loadConstant(int k) {
        long m = CONST_MAN[k];
        boolean inexact = k >= 1 && k <= 5;
        if (inexact && (a.rc == 2 || (a.rc == 0 && CONST_NEAREST_UP[k]))) {
            m++;
        }
        pushChecked(CONST_SE[k], m);
    }

    /** ST0 := f(ST0): 0 F2XM1, 1 FSQRT, 2 FRNDINT, 3 FSIN, 4 FCOS. */
    private void unary(int kind) {
        int p = top;
        if (isEmpty(p)) {
            underflowForOp(0, p, false);
            return;
        }
        int s = se[p];
        long m = man[p];
        sw &= ~C2;
        switch (kind) {
            case 0:
                t.f2xm1(s, m);
                break;
            case 1:
                a.sqrt(s, m);
                break;
            case 2:
                a.rndint(s, m);
                break;
            default:
                if (!Transcendental.inRange(s, m)) {
                    sw |= C2; // out of range: C2 = 1, ST0 unchanged (SDM FSIN/FCOS)
                    return;
                }
                t.trig(s, m, kind == 3 ? 0 : 1);
                break;
        }
        if (!a.preFault()) {
            set(p, a.rSe, a.rMan);
        }
        finish();
    }

    /** ST1 := f(ST1, ST0), pop: 0 FYL2X, 1 FPATAN, 2 FYL2XP1. */
    private void binaryPop(int kind) {
        int p0 = top, p1 = st(1);
        if (isEmpty(p0) || isEmpty(p1)) {
            underflowForOp(0, p1, true);
            return;
        }
        if (kind == 1) {
            t.atan(se[p1], man[p1], se[p0], man[p0]);
        } else {
            t.yl2x(se[p1], man[p1], se[p0], man[p0], kind == 2);
        }
        if (!a.preFault()) {
            set(p1, a.rSe, a.rMan);
            pop();
        }
        finish();
    }

    /** Instructions that replace ST0 and push: 0 FPTAN (tan, 1.0), 1 FXTRACT (exponent, significand), 2 FSINCOS. */
    private void pushing(int kind) {
        int p = top;
        if (isEmpty(p)) {
            underflowForOp(0, p, false);
            return;
        }
        if (!isEmpty(st(7))) {
            if (ieMasked()) { // masked overflow: ST0 and the new top become the indefinite (SDM FPTAN #IS)
                set(p, INDEF_SE, INDEF_MAN);
                push(INDEF_SE, INDEF_MAN);
            }
            stackFault(true);
            return;
        }
        int s = se[p];
        long m = man[p];
        if (kind != 1) {
            sw &= ~C2;
            if (!Transcendental.inRange(s, m)) {
                sw |= C2;
                return;
            }
        }
        int s0, s1;
        long m0, m1;
        switch (kind) {
            case 0: {
                t.trig(s, m, 2);
                s0 = a.rSe;
                m0 = a.rMan;
                boolean nan = Arith.cls(s0, m0) >= Arith.QNAN;
                s1 = nan ? s0 : 0x3FFF; // a NaN result is pushed twice
                m1 = nan ? m0 : INT_BIT;
                break;
            }
            case 1:
                xtract(s, m);
                s0 = a.rSe;
                m0 = a.rMan;
                s1 = xSe;
                m1 = xMan;
                break;
            default:
                t.trig(s, m, 0);
                s0 = a.rSe;
                m0 = a.rMan;
                t.trig(s, m, 1);
                s1 = a.rSe;
                m1 = a.rMan;
                break;
        }
        if (!a.preFault()) {
            set(p, s0, m0);
            push(s1, m1);
        }
        finish();
    }

    private int xSe;
    private long xMan;

    /** FXTRACT: a.r* = exponent (goes to ST1), xSe/xMan = significand (new ST0) (SDM Vol. 2A FXTRACT). */
    private void xtract(int s, long m) {
        int c = Arith.cls(s, m);
        switch (c) {
            case Arith.ZERO:
                a.ex |= ZE; // FXTRACT of 0: zero divide, exponent -inf (SDM FXTRACT)
                xSe = s;
                xMan = 0;
                a.setResult(0xFFFF, INT_BIT);
                return;
            case Arith.INF:
                xSe = s;
                xMan = m;
                a.setResult(0x7FFF, INT_BIT);
                return;
            case Arith.QNAN:
            case Arith.SNAN:
            case Arith.UNSUPPORTED:
                a.propagateNaN1(s, m, c);
                xSe = a.rSe;
                xMan = a.rMan;
                return;
            default:
                break;
        }
        int e = s & 0x7FFF;
        if (c == Arith.DENORMAL) {
            a.ex |= DE;
            int sh = Long.numberOfLeadingZeros(m);
            m <<= sh;
            e = 1 - sh;
        }
        xSe = (s & 0x8000) | Arith.BIAS;
        xMan = m;
        f.fromInt(e - Arith.BIAS);
    }

    private void prem(boolean ieee) {
        int p0 = top, p1 = st(1);
        if (isEmpty(p0) || isEmpty(p1)) {
            underflowForOp(0, p0, false);
            return;
        }
        a.prem(se[p0], man[p0], se[p1], man[p1], ieee);
        if (a.preFault()) {
            finish();
            return;
        }
        set(p0, a.rSe, a.rMan);
        int q = a.quot;
        int cc = (a.partial ? C2 : 0) | ((q & 4) != 0 ? C0 : 0) | ((q & 2) != 0 ? C3 : 0);
        sw = (sw & ~CC) | cc;
        a.up = (q & 1) != 0; // C1 = Q0
        finish();
    }

    private void scale() {
        int p0 = top, p1 = st(1);
        if (isEmpty(p0) || isEmpty(p1)) {
            underflowForOp(0, p0, false);
            return;
        }
        a.scale(se[p0], man[p0], se[p1], man[p1]);
        if (!a.preFault()) {
            set(p0, a.rSe, a.rMan);
        }
        finish();
    }

    // ---------------------------------------------------------------- FXSAVE / state value

    /** FXSAVE (0F AE /0): 512-byte image, SDM Vol. 2A FXSAVE table 3-53 (32-bit layout). */
    public void fxsave(X87Bus bus, int ea) {
        env.fxsave(bus, ea);
    }

    /** FXRSTOR (0F AE /1). */
    public void fxrstor(X87Bus bus, int ea) {
        env.fxrstor(bus, ea);
    }

    public void save(FpuState into) {
        for (int p = 0; p < 8; p++) {
            into.mantissa[p] = man[p];
            into.signExponent[p] = se[p] & 0xFFFF;
        }
        into.fcw = fcw;
        into.fsw = status();
        into.ftw = fullTag();
        into.fop = fop;
        into.fip = fip;
        into.fcs = fcs;
        into.fdp = fdp;
        into.fds = fds;
    }

    public void load(FpuState from) {
        for (int p = 0; p < 8; p++) {
            man[p] = from.mantissa[p];
            se[p] = from.signExponent[p] & 0xFFFF;
        }
        fcw = from.fcw & 0xFFFF;
        setStatus(from.fsw);
        setTagWord(from.ftw);
        fop = from.fop & 0x7FF;
        fip = from.fip;
        fcs = from.fcs & 0xFFFF;
        fdp = from.fdp;
        fds = from.fds & 0xFFFF;
    }
}
