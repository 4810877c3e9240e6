package dev.hyperbundle.cpu;

import java.util.Arrays;

/**
 * The x87 FPU state (Intel SDM Vol. 1, 8.1): eight 80-bit data registers in physical order R0-R7
 * (ST(i) is R((TOP + i) mod 8), TOP is bits 13:11 of {@link #fsw}), control, status and the full
 * two-bit-per-register tag word, and the last instruction and operand pointers.
 */
public final class FpuState {
    /** Significand (64 bits, explicit integer bit) of R0-R7. */
    public final long[] mantissa = new long[8];
    /** Sign (bit 15) and biased exponent (bits 14:0) of R0-R7. */
    public final int[] signExponent = new int[8];
    public int fcw = 0x037f;
    public int fsw;
    /** Full tag word: 00 valid, 01 zero, 10 special, 11 empty, two bits per physical register. */
    public int ftw = 0xffff;
    /** Last non-control instruction's opcode (11 bits). */
    public int fop;
    public int fip;
    public int fcs;
    public int fdp;
    public int fds;

    public int top() {
        return (fsw >>> 11) & 7;
    }

    public FpuState copy() {
        FpuState f = new FpuState();
        f.set(this);
        return f;
    }

    public void set(FpuState o) {
        System.arraycopy(o.mantissa, 0, mantissa, 0, 8);
        System.arraycopy(o.signExponent, 0, signExponent, 0, 8);
        fcw = o.fcw;
        fsw = o.fsw;
        ftw = o.ftw;
        fop = o.fop;
        fip = o.fip;
        fcs = o.fcs;
        fdp = o.fdp;
        fds = o.fds;
    }

    /** The state after FNINIT (SDM Vol. 1, 8.1.1 / table 8-? "FNINIT defaults"); registers keep their bits. */
    public void init() {
        fcw = 0x037f;
        fsw = 0;
        ftw = 0xffff;
        fop = 0;
        fip = 0;
        fcs = 0;
        fdp = 0;
        fds = 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FpuState f && Arrays.equals(f.mantissa, mantissa) && Arrays.equals(f.signExponent, signExponent)
                && f.fcw == fcw && f.fsw == fsw && f.ftw == ftw && f.fop == fop && f.fip == fip && f.fcs == fcs
                && f.fdp == fdp && f.fds == fds;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mantissa) * 31 + fsw * 7 + fcw;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(String.format("fcw=%04x fsw=%04x ftw=%04x fop=%03x fip=%08x fdp=%08x",
                fcw, fsw, ftw, fop, fip, fdp));
        for (int i = 0; i < 8; i++) {
            b.append(String.format(" R%d=%04x:%016x", i, signExponent[i] & 0xffff, mantissa[i]));
        }
        return b.toString();
    }
}
