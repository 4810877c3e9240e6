package dev.hyperbundle.interp.x87;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

/**
 * The guests' fpu test (busybox awk, guests/README.md) replayed instruction by instruction the way awk's C code
 * runs on an x87: every awk value is a double in memory, each operator loads, computes in extended precision
 * (FCW 037F as Linux sets it) and stores a double; int() is FISTP with RC = chop; % is glibc's fmod (FPREM loop).
 * Expected: "0.30000000000000004 1.414213562373095 10.480728217229 3.141592653621 -3 3 inf -inf 2".
 */
class X87AwkTest {
    private final Fpu f = new Fpu();

    private double op(double a, int r, double b) {
        f.fld64(a).op64(r, b);
        return Fpu.d(f.fstp64());
    }

    private double add(double a, double b) {
        return op(a, 0, b);
    }

    private double mul(double a, double b) {
        return op(a, 1, b);
    }

    private double div(double a, double b) {
        return op(a, 6, b);
    }

    /** int(): FLDCW chop, FISTP m64, FLDCW restore (what gcc emits for a (long long) cast). */
    private long trunc(double v) {
        f.fldcw(0x0F7F);
        f.fld64(v);
        long r = f.fistp64();
        f.fldcw(0x037F);
        return r;
    }

    /** glibc i386 fmod: fld y; fld x; 1: fprem; fnstsw ax; sahf; jp 1b; fstp st(1). */
    private double fmod(double x, double y) {
        f.fld64(y).fld64(x);
        do {
            f.reg(0xD9, 0xF8);
            f.reg(0xDF, 0xE0);
        } while ((f.bus.ax & X87.C2) != 0);
        f.reg(0xDD, 0xD9);
        return Fpu.d(f.fstp64());
    }

    /** glibc printf %.Nf: the exact binary value rounded to nearest-even. */
    private static String fixed(double v, int digits) {
        return new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }

    @Test
    void fpuTestExpressions() {
        assertEquals(0x3FD3333333333334L, Double.doubleToRawLongBits(add(0.1, 0.2)));
        assertEquals("0.30000000000000004", new BigDecimal(add(0.1, 0.2)).round(new java.math.MathContext(17))
                .toString());

        double x = 1;
        for (int i = 0; i < 6; i++) {
            x = div(add(x, div(2, x)), 2);
        }
        assertEquals("1.414213562373095", fixed(x, 15));

        double h = 0;
        for (double i = 1; i <= 20000; i = add(i, 1)) {
            h = add(h, div(1, i));
        }
        assertEquals("10.480728217229", fixed(h, 12));

        double p = 3, s = 1;
        for (double i = 2; i < 4000; i = add(i, 2)) {
            double t = div(mul(s, 4), mul(mul(i, add(i, 1)), add(i, 2)));
            p = add(p, t);
            s = mul(s, -1);
        }
        assertEquals("3.141592653621", fixed(p, 12));

        assertEquals(-3, trunc(-3.7));
        assertEquals(3, trunc(3.999999));
        assertEquals(Double.POSITIVE_INFINITY, mul(1e300, 1e10));
        assertEquals(Double.NEGATIVE_INFINITY, mul(-1e300, 1e10));
        assertEquals(2.0, fmod(7, 2.5));
        assertEquals(0x0BB1A9BC7B5C9D8FL ^ 0x0BB1A9BC7B5C9D8FL, 0L);
    }

    @Test
    void hotLoopAllocatesNothing() {
        // warm up, then measure the thread's allocated bytes over many FLD/FADD/FMUL/FDIV/FPREM/FISTP/FSTP
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int k = 0; k < 3; k++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 1; i < 20000; i++) {
                f.fld64(i).op64(1, 1.0000001).op64(6, 3.0).op64(0, 0.5);
                f.fld64(2.5);
                f.reg(0xD9, 0xC9).reg(0xD9, 0xF8).reg(0xDD, 0xD9);
                f.mem(0xDF, 7, 0x200);
            }
            long used = mx.getCurrentThreadAllocatedBytes() - before;
            if (k == 2) {
                assertEquals(0, used, "bytes allocated by 20000 loop iterations");
            }
        }
    }
}
