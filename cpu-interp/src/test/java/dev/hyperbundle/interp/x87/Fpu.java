package dev.hyperbundle.interp.x87;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.cpu.FpuState;

/** Test harness: an X87 over a {@link FakeBus}, with one method per instruction form used in the tests. */
final class Fpu {
    final X87 x = new X87();
    final FakeBus bus = new FakeBus();
    static final int M = 0x100; // scratch operand address

    /** Register form, e.g. reg(0xD8, 0xC1) = FADD ST0, ST1. */
    Fpu reg(int opcode, int modrm) {
        assertTrue(x.execute(bus, opcode, modrm, 0, true, false, 0x23, 0x1000, 0x2B), "valid encoding");
        return this;
    }

    /** Memory form with reg field r at address M. */
    Fpu mem(int opcode, int r, int addr) {
        assertTrue(x.execute(bus, opcode, (r << 3) | 5, addr, true, false, 0x23, 0x1000, 0x2B), "valid encoding");
        return this;
    }

    Fpu fld64(long bits) {
        bus.write64(M, bits);
        return mem(0xDD, 0, M);
    }

    Fpu fld64(double d) {
        return fld64(Double.doubleToRawLongBits(d));
    }

    Fpu fld32(int bits) {
        bus.write32(M, bits);
        return mem(0xD9, 0, M);
    }

    Fpu fld80(int se, long m) {
        bus.write64(M, m);
        bus.write16(M + 8, se);
        return mem(0xDB, 5, M);
    }

    Fpu fild64(long v) {
        bus.write64(M, v);
        return mem(0xDF, 5, M);
    }

    /** D8-style memory arithmetic with a double operand: r = 0 add, 1 mul, 4 sub, 5 subr, 6 div, 7 divr. */
    Fpu op64(int r, double d) {
        bus.write64(M, Double.doubleToRawLongBits(d));
        return mem(0xDC, r, M);
    }

    /** As {@link #op64(int, double)} with the operand's raw bits (NaN payloads). */
    Fpu op64(int r, long bits) {
        bus.write64(M, bits);
        return mem(0xDC, r, M);
    }

    long fstp64() {
        mem(0xDD, 3, M);
        return bus.read64(M);
    }

    long fst64() {
        mem(0xDD, 2, M);
        return bus.read64(M);
    }

    int fstp32() {
        mem(0xD9, 3, M);
        return bus.read32(M);
    }

    String fstp80() {
        mem(0xDB, 7, M);
        return String.format("%04x:%016x", bus.read16(M + 8), bus.read64(M));
    }

    long fistp64() {
        mem(0xDF, 7, M);
        return bus.read64(M);
    }

    int fistp16() {
        mem(0xDF, 3, M);
        return bus.read16(M);
    }

    Fpu fldcw(int cw) {
        bus.write16(M + 64, cw);
        return mem(0xD9, 5, M + 64);
    }

    int status() {
        bus.write16(M + 64, 0);
        mem(0xDD, 7, M + 64);
        return bus.read16(M + 64);
    }

    /** ST(i) as "sexp:significand". */
    String st(int i) {
        FpuState s = new FpuState();
        x.save(s);
        int p = (s.top() + i) & 7;
        return String.format("%04x:%016x", s.signExponent[p], s.mantissa[p]);
    }

    int tag() {
        FpuState s = new FpuState();
        x.save(s);
        return s.ftw;
    }

    static double d(long bits) {
        return Double.longBitsToDouble(bits);
    }
}
